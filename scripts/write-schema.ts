// `npm run schema`: writes the JSON report's JSON Schema (from its zod schema) under schema/. It
// refuses to change what a published version means: that needs a new schemaVersion (and file).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import {
  contractHash,
  JSON_SCHEMA_FILE_NAME,
  monthlyReportJsonSchema,
  monthlyReportJsonSchemaText,
} from "../packages/core/src/domain/report/json-schema.ts";

const path = new URL(`../schema/${JSON_SCHEMA_FILE_NAME}`, import.meta.url);
if (existsSync(path) && contractHash(JSON.parse(readFileSync(path, "utf8"))) !== contractHash(monthlyReportJsonSchema())) {
  process.stderr.write(
    `schema/${JSON_SCHEMA_FILE_NAME} is published, and the code's schema means something else now: bump schemaVersion (which names a new file), then run this again.\n`,
  );
  process.exit(1);
}
writeFileSync(path, monthlyReportJsonSchemaText());
process.stdout.write(`Wrote schema/${JSON_SCHEMA_FILE_NAME}\n`);
