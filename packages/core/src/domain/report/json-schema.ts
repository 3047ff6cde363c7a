import { createHash } from "node:crypto";
import { z } from "zod";
import { monthlyReportSchema } from "./schema.ts";

const VERSION = monthlyReportSchema.shape.schemaVersion.value;

/**
 * The JSON report's contract as JSON Schema: committed under schema/ and written beside every
 * report. Each schemaVersion has its own file; earlier versions' files stay published.
 */
export const JSON_SCHEMA_FILE_NAME = `hems-savings-report.v${VERSION}.schema.json`;

/** Made from the zod schema the code validates with, so the published contract is the enforced one. */
export function monthlyReportJsonSchema(): Record<string, unknown> {
  return {
    $id: JSON_SCHEMA_FILE_NAME,
    title: `HEMS savings report (JSON), schemaVersion ${VERSION}`,
    ...z.toJSONSchema(monthlyReportSchema, { target: "draft-2020-12" }),
  };
}

/** The schema file's text, as committed and as written beside each report. */
export const monthlyReportJsonSchemaText = () => `${JSON.stringify(monthlyReportJsonSchema(), null, 2)}\n`;

/**
 * What a reader relies on, as a hash: the schema without its titles and descriptions, keys in
 * order. A change of it is a change of the contract, which needs a new schemaVersion; a clearer
 * description is not.
 */
export function contractHash(schema: unknown): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !["description", "title", "$id"].includes(key))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, inner]) => [key, strip(inner)]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(strip(schema)))
    .digest("hex");
}
