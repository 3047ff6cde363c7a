// `npm run schema`: writes the JSON report's JSON Schema (from its zod schema) under schema/.
// A test fails when the committed file differs from what the code enforces.
import { writeFile } from "node:fs/promises";
import { JSON_SCHEMA_FILE_NAME, monthlyReportJsonSchemaText } from "../packages/core/src/report/json-schema.ts";

const path = new URL(`../schema/${JSON_SCHEMA_FILE_NAME}`, import.meta.url);
await writeFile(path, monthlyReportJsonSchemaText());
process.stdout.write(`Wrote schema/${JSON_SCHEMA_FILE_NAME}\n`);
