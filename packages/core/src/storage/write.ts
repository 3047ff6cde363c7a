import { once } from "node:events";
import type { Writable } from "node:stream";

/** Writes `chunk`, and waits for `out` to drain when its buffer is full, so a producer never runs ahead of the disk or the network. */
export async function writeInTurn(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}
