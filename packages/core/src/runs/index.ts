export * from "./bucket-access.ts";
export * from "./model.ts";
