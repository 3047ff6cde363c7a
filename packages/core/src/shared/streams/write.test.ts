import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeInTurn } from "./write.ts";

/** A destination that takes nothing until told: its buffer is full after the first chunk. */
function stalled() {
  let release: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 4,
    write(_chunk, _encoding, callback) {
      release = callback;
    },
  });
  return { out, release: () => release?.() };
}

describe("writing in turn", () => {
  it("waits for the destination to drain, then goes on", async () => {
    const { out, release } = stalled();
    let done = false;
    const writing = writeInTurn(out, "12345678").then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    release();
    await writing;
    expect(done).toBe(true);
  });

  it("stops waiting with an error when the destination is closed or fails instead of draining", async () => {
    const closed = stalled();
    const waiting = writeInTurn(closed.out, "12345678");
    closed.out.destroy();
    await expect(waiting).rejects.toThrow("the output closed before it took everything written to it");

    const failed = stalled();
    const failing = writeInTurn(failed.out, "12345678");
    failed.out.destroy(new Error("disk full"));
    await expect(failing).rejects.toThrow("disk full");
  });
});
