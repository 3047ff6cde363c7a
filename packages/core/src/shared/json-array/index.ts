export { JsonArrayError, jsonArrayItems } from "./split.ts";
