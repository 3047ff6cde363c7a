export * from "./codec.ts";
export * from "./order.ts";
export * from "./schema.ts";
