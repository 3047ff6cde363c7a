export { createFileSpool, decodeSessionSegment, encodeSessionSegment, type SessionSpool } from "./file-spool.ts";
