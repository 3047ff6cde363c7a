import { createHash } from "node:crypto";
import { Transform, type Writable } from "node:stream";

/** A pass-through that counts and hashes the bytes going to storage, for the manifest. */
export function measuringStream(): Transform & { bytes(): number; sha256(): string } {
  const hash = createHash("sha256");
  let bytes = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return Object.assign(stream, {
    bytes: () => bytes,
    sha256: () => (digest ??= hash.digest("hex")),
  });
}

/**
 * Runs a producer into `stream` and waits for `completion` (the bytes reaching their destination).
 * `completion` is watched from the start, so a failure on the destination side while the producer
 * still runs is neither unhandled nor waited for forever; on any failure the stream is destroyed
 * and the first error is thrown.
 */
export async function produceInto(stream: Writable, produce: (out: Writable) => Promise<void>, completion: Promise<unknown>): Promise<void> {
  completion.catch(() => undefined);
  try {
    await produce(stream);
    if (!stream.writableEnded) stream.end();
    await completion;
  } catch (error) {
    stream.destroy();
    await completion.catch(() => undefined);
    throw error;
  }
}
