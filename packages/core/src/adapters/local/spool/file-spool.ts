import { type FileHandle, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session } from "../../../domain/sessions/index.ts";
import { decodeSessionSegment, encodeSessionSegment } from "../../../formats/session-segments/index.ts";
import type { SessionSpool } from "../../../ports/index.ts";
import { withRoomFor } from "../../../shared/memory/index.ts";

/** Writes that may be under way before `put` waits: enough to keep the reader going, few enough to bound memory. */
const MAX_WRITES_IN_FLIGHT = 64;

/**
 * A spool in one temporary file: each wallbox's sessions become one compressed segment appended
 * where the file ends, and an index in memory (two numbers a wallbox) says where it lies.
 * Compression runs on libuv's thread pool, so it takes little of the main thread that reads the
 * API; level 1 because the file is read once or twice and then deleted.
 */
export async function createFileSpool(parent = tmpdir()): Promise<SessionSpool> {
  const folder = await mkdtemp(join(parent, "hems-reports-spool-"));
  let handle: FileHandle;
  try {
    handle = await open(join(folder, "sessions.spool"), "w+");
  } finally {
    // The open file lives on without a name: however the process ends (a second Ctrl+C, a crash,
    // a Lambda timeout), the system frees it, and nothing is left in the temporary folder.
    await rm(folder, { recursive: true, force: true });
  }
  // Where each position's segment lies, once written: two plain numbers a wallbox. While a write
  // is under way its promise stands in `writing`, which is also what flush and dispose wait for.
  let offsets = new Float64Array(1024);
  let lengths = new Uint32Array(1024); // 0: nothing written there (a written segment is never empty)
  const place = (position: number, offset: number, length: number) => {
    offsets = withRoomFor(offsets, position);
    lengths = withRoomFor(lengths, position);
    offsets[position] = offset;
    lengths[position] = length;
  };
  const lengthAt = (position: number) => (position < lengths.length ? lengths[position]! : 0);
  const writing = new Map<number, Promise<unknown>>();
  let firstFailure: { error: unknown } | undefined;
  let end = 0;
  let disposed = false;
  const usable = () => {
    if (disposed) throw new Error("the session spool was already disposed");
  };
  const throwIfFailed = () => {
    if (firstFailure) throw firstFailure.error;
  };

  const store = async (sessions: readonly Session[]) => {
    const bytes = await encodeSessionSegment(sessions);
    const offset = end;
    end += bytes.length;
    // Writes at disjoint offsets may run at once.
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, offset + written);
      written += bytesWritten;
    }
    return { offset, length: bytes.length };
  };

  const segment = async (position: number): Promise<Buffer | undefined> => {
    usable();
    await writing.get(position);
    throwIfFailed();
    const length = lengthAt(position);
    if (length === 0) return undefined;
    const offset = offsets[position]!;
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(bytes, read, length - read, offset + read);
      if (bytesRead === 0) throw new Error(`the session spool ended before position ${position} was read whole`);
      read += bytesRead;
    }
    return bytes;
  };

  return {
    async put(position, sessions) {
      usable();
      throwIfFailed();
      if (!Number.isSafeInteger(position) || position < 0) throw new Error(`a spool position is a whole number from 0, not ${position}`);
      if (writing.has(position) || lengthAt(position) > 0) throw new Error(`the session spool already holds position ${position}`);
      const settled = store(sessions).then(
        (segment) => place(position, segment.offset, segment.length),
        (error: unknown) => {
          firstFailure ??= { error };
        },
      );
      writing.set(position, settled);
      void settled.then(() => writing.delete(position));
      // Bounded: past this many writes under way, the reader waits for one to finish.
      while (writing.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(writing.values());
      throwIfFailed();
    },
    async flush() {
      await Promise.all(writing.values());
      throwIfFailed();
    },
    async get(position) {
      const bytes = await segment(position);
      return bytes ? decodeSessionSegment(bytes) : [];
    },
    segment,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(writing.values());
      await handle.close().catch(() => undefined);
    },
  };
}
