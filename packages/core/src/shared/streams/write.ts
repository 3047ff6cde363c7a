import { once } from "node:events";
import type { Writable } from "node:stream";

/**
 * Writes `chunk`, and waits for `out` to drain when its buffer is full, so a producer never runs
 * ahead of the disk or the network. A stream that fails or closes meanwhile ends the wait with an
 * error rather than leaving the producer waiting for a drain that never comes.
 */
export async function writeInTurn(out: Writable, chunk: string | Buffer): Promise<void> {
  // A stream already destroyed or ended never drains: say so rather than wait.
  if (out.destroyed || out.writableEnded) throw out.errored ?? new Error("the output was closed before everything was written to it");
  if (out.write(chunk)) return;
  const stop = new AbortController();
  try {
    await Promise.race([
      once(out, "drain", { signal: stop.signal }),
      once(out, "close", { signal: stop.signal }).then(() => {
        throw out.errored ?? new Error("the output closed before it took everything written to it");
      }),
    ]);
  } finally {
    stop.abort();
  }
}
