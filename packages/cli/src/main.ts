import { main } from "./cli.ts";

// The first Ctrl+C stops the run cleanly (nothing is written); a second one ends the process at once.
const interrupt = new AbortController();
process.once("SIGINT", () => {
  interrupt.abort();
  process.once("SIGINT", () => process.exit(130));
});

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  now: () => new Date(),
  interrupt: interrupt.signal,
  output: {
    info: (line) => process.stderr.write(`${line}\n`),
    result: (line) => process.stdout.write(`${line}\n`),
  },
});
