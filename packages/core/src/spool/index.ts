export * from "./file-spool.ts";
