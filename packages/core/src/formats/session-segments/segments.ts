import { promisify } from "node:util";
import { deflateRaw, inflateRaw } from "node:zlib";
import { decodeSession, type EncodedSession, encodeSession, type Session } from "../../domain/sessions/index.ts";

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/**
 * One wallbox's sessions as the spool and a shard's partial result keep them: compact JSON
 * (`encodeSession`), deflated on libuv's thread pool at level 1, because it is read once or twice
 * and then deleted.
 */
export async function encodeSessionSegment(sessions: readonly Session[]): Promise<Buffer> {
  return deflate(Buffer.from(JSON.stringify(sessions.map(encodeSession))), { level: 1 });
}

export async function decodeSessionSegment(segment: Buffer): Promise<Session[]> {
  const encoded = JSON.parse((await inflate(segment)).toString("utf8")) as EncodedSession[];
  return encoded.map(decodeSession);
}
