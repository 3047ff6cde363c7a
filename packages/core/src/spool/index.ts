export {
  createFileSpool,
  createSpool,
  decodeSessionSegment,
  encodeSessionSegment,
  jsonSegmentCodec,
  type SegmentCodec,
  type SessionSpool,
  type Spool,
} from "./file-spool.ts";
