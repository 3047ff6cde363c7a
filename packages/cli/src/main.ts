import { main } from "./cli.ts";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  now: () => new Date(),
  output: {
    info: (line) => process.stderr.write(`${line}\n`),
    result: (line) => process.stdout.write(`${line}\n`),
  },
});
