export * from "./model.ts";
export * from "./bucket-access.ts";
