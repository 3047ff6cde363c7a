export * from "./local-folder.ts";
export * from "./local-work-store.ts";
export * from "./measure.ts";
export * from "./port.ts";
export * from "./s3.ts";
export * from "./work-store.ts";
