export * from "./demo.ts";
export * from "./faults.ts";
export { uuidOf } from "./random.ts";
export * from "./server.ts";
export * from "./sessions.ts";
