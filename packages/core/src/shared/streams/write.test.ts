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

  it("refuses at once to write to a destination already destroyed, which would never drain", async () => {
    const gone = stalled();
    gone.out.on("error", () => undefined); // the failure itself was reported to whoever made it
    gone.out.destroy(new Error("upload failed"));
    await expect(writeInTurn(gone.out, "1")).rejects.toThrow("upload failed");
    const ended = stalled();
    ended.out.end();
    await expect(writeInTurn(ended.out, "1")).rejects.toThrow("the output was closed before everything was written to it");
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
