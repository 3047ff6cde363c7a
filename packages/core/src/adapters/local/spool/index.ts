export { createFileSpool } from "./file-spool.ts";
