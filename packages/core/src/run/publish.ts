import { manifestSchema, type Manifest } from "../report/index.ts";
import type { StoredFile } from "../storage/index.ts";
import { runMonthlyReport, type RunInput, type RunResult } from "./monthly-report.ts";

export interface PublishInput extends RunInput {
  runId: string;
  scope: Manifest["scope"];
}

export interface PublishResult extends RunResult {
  manifest: Manifest;
  manifestFile: StoredFile;
}

const fileEntry = (file: StoredFile) => ({
  name: file.name,
  key: file.key ?? file.name,
  contentType: file.contentType,
  bytes: file.bytes,
  sha256: file.sha256,
  ...(file.versionId ? { versionId: file.versionId } : {}),
});

/**
 * The report, then its manifest, last: a reader who finds the manifest finds both files it names.
 * A run that fails before the manifest leaves the previous manifest (and what it names) in place.
 */
export async function publishMonthlyReport(input: PublishInput): Promise<PublishResult> {
  const result = await runMonthlyReport(input);
  const { report } = result;
  const manifest = manifestSchema.parse({
    schemaVersion: 1,
    runId: input.runId,
    orgId: report.orgId,
    month: report.month,
    scope: input.scope,
    generatedAt: report.generatedAt,
    complete: report.complete,
    totals: {
      wallboxes: report.wallboxes.length,
      failedWallboxes: report.wallboxes.filter((wallbox) => wallbox.status === "failed").length,
      sessions: report.totals.sessions,
      savingsEur: report.totals.savingsEur,
      energyFromSolarKwh: report.totals.energyFromSolarKwh,
    },
    files: { xlsx: fileEntry(result.workbook), json: fileEntry(result.json) },
  } satisfies Manifest);
  const manifestFile = await input.store.write("manifest.json", "application/json", async (out) => {
    out.end(`${JSON.stringify(manifest, null, 2)}\n`);
  });
  return { ...result, manifest, manifestFile };
}
