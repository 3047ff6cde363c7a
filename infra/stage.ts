/// <reference path="../.sst/platform/config.d.ts" />
import { existsSync, readFileSync } from "node:fs";

/**
 * A stage's settings, committed in `stages/{stage}.json` (names as in docs/operations.md, Deploy; values are
 * ids, URLs and addresses, never secrets). The production stage must have its file: a deploy
 * from a shell that lacks a variable must not quietly make a different stage (say, an empty
 * credentials secret instead of the real one). Other stages may take their settings from the
 * environment of `sst deploy`; a committed value wins over the environment.
 */
const file = `stages/${$app.stage}.json`;

function readStageFile(): Record<string, string> {
  if (!existsSync(file)) {
    if ($app.stage === "production")
      throw new Error(
        `Commit ${file} with the production stage's settings before deploying it (see stages/example.json and docs/operations.md, Deploy).`,
      );
    return {};
  }
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${file} must be a JSON object of settings.`);
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`${file}: "${name}" is not a setting's name (see docs/operations.md, Deploy).`);
    if (typeof value !== "string" && typeof value !== "number") throw new Error(`${file}: ${name} must be a string or a number.`);
    settings[name] = String(value);
  }
  return settings;
}

const committed = readStageFile();

/** The setting `name` of this stage: committed, or from the environment; undefined when neither has it. */
export function stageSetting(name: string): string | undefined {
  return committed[name]?.trim() || process.env[name]?.trim() || undefined;
}
