import { createHash } from "node:crypto";
import { Transform } from "node:stream";

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
