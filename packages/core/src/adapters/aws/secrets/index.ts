export { secretsManagerReader } from "./secret-reader.ts";
