import { EXIT, exitOnSignal, type StopSignal } from "./cli.ts";

/**
 * Runs the CLI as a process: Ctrl+C and SIGTERM abort `interrupt` (the run stops cleanly), a
 * second signal ends the process at once, and the process always ends with a closing line and a
 * documented status. Every wait on the network is bounded, so the event loop never empties while
 * the run is pending; if a bug ever let it, Node would end silently with status 13: this says so
 * instead. An error nothing caught ends the run with status 3 and a line, never a bare stack.
 */
export function runAsProcess(run: (interrupt: AbortSignal) => Promise<number>): void {
  const interrupt = new AbortController();
  const onSignal = (signal: StopSignal) => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`hems-reports: ${signal} again: stopped at once. A hidden .partial file may be left in the output folder.\n`);
      process.exit(exitOnSignal(signal));
    }
    interrupt.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A reader that goes away early (`npm run report | head`) must not turn a finished run into a
  // crash: what it no longer reads is dropped, and the run's status stands.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

  let settled = false;
  const fail = (error: unknown, outcome: string) => {
    settled = true;
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(`hems-reports: unexpected error: ${why}\n${outcome} Set DEBUG=hems-reports to see the stack trace.\n`);
    if (process.env.DEBUG?.includes("hems-reports") && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    process.exitCode = EXIT.unexpected;
  };
  const crash = (error: unknown) => {
    fail(error, "The run stopped; check the output folder before using what is in it.");
    process.exit(EXIT.unexpected);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  process.on("beforeExit", () => {
    if (!settled) fail(new Error("the run was left waiting for something that never came (a bug: please report it)"), "No report was written.");
  });
  run(interrupt.signal).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => fail(error, "No report was written."),
  );
}
