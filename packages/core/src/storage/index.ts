export * from "./port.ts";
export * from "./measure.ts";
export * from "./local-folder.ts";
export * from "./s3.ts";
