import { main } from "./cli.ts";
import { runAsProcess } from "./process.ts";

runAsProcess((interrupt) =>
  main(process.argv.slice(2), {
    env: process.env,
    now: () => new Date(),
    interrupt,
    output: {
      info: (line) => process.stderr.write(`${line}\n`),
      result: (line) => process.stdout.write(`${line}\n`),
    },
  }),
);
