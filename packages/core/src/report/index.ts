export * from "./schema.ts";
export * from "./rules.ts";
export * from "./model.ts";
export * from "./workbook-layout.ts";
export * from "./workbook-writer.ts";
export * from "./manifest.ts";
