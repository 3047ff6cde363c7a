export * from "./monthly-report.ts";
export * from "./publish.ts";
