export * from "./monthly-report.ts";
export * from "./publish.ts";
export * from "./read-wallboxes.ts";
export * from "./shards.ts";
