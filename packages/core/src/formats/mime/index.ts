export { composeMime, type Envelope } from "./mime.ts";
