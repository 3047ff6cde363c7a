export { decodeSessionSegment, encodeSessionSegment } from "./segments.ts";
