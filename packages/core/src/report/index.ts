export * from "./manifest.ts";
export * from "./model.ts";
export * from "./rules.ts";
export * from "./schema.ts";
export * from "./sessions-csv.ts";
export * from "./wallbox-entries.ts";
export * from "./workbook-layout.ts";
export * from "./workbook-writer.ts";
