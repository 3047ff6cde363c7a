export * from "./server.ts";
export * from "./sessions.ts";
export * from "./demo.ts";
export { uuidOf } from "./random.ts";
