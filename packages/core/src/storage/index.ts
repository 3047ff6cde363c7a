export * from "./local-folder.ts";
export * from "./measure.ts";
export * from "./port.ts";
export * from "./s3.ts";
