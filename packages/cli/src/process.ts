import { EXIT, exitOnSignal, type StopSignal } from "./cli.ts";

/**
 * Runs the CLI as a process: Ctrl+C and SIGTERM abort `interrupt` (the run stops cleanly), a
 * second signal ends the process at once, and the process always ends with a closing line and a
 * documented status. Every wait on the network is bounded, so the event loop never empties while
 * the run is pending; if a bug ever let it, Node would end silently with status 13: this says so
 * instead.
 */
export function runAsProcess(run: (interrupt: AbortSignal) => Promise<number>): void {
  const interrupt = new AbortController();
  const onSignal = (signal: StopSignal) => {
    if (interrupt.signal.aborted) process.exit(exitOnSignal(signal));
    interrupt.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let settled = false;
  const fail = (why: string) => {
    settled = true;
    process.stderr.write(`hems-reports: unexpected error: ${why}\nNo report was written. Set DEBUG=hems-reports to see more.\n`);
    process.exitCode = EXIT.unexpected;
  };
  process.on("beforeExit", () => {
    if (!settled) fail("the run was left waiting for something that never came (a bug: please report it)");
  });
  run(interrupt.signal).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => {
      fail(error instanceof Error ? error.message : String(error));
      if (process.env.DEBUG?.includes("hems-reports") && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    },
  );
}
