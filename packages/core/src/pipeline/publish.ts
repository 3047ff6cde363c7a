import {
  MANIFEST_FILE_NAME,
  type Manifest,
  type MonthTotals,
  manifestSchema,
  WALLBOX_FIGURES_FILE_NAME,
  wallboxFigures,
} from "../domain/report/index.ts";
import { type ReportStore, type StoredFile, writeFile } from "../ports/index.ts";
import { writeInTurn } from "../shared/streams/index.ts";
import { type ReportContent, type ReportFiles, type RunResult, writeReportFiles } from "./monthly-report.ts";

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

export function manifestFor(content: ReportContent, files: ReportFiles, runId: string, scope: Manifest["scope"]): Manifest {
  const { report } = content;
  return manifestSchema.parse({
    schemaVersion: 1,
    runId,
    orgId: report.orgId,
    month: report.month,
    scope,
    generatedAt: report.generatedAt,
    complete: report.complete,
    totals: {
      wallboxes: content.wallboxes.count,
      failedWallboxes: content.wallboxes.failed,
      sessions: report.totals.sessions,
      savingsEur: report.totals.savingsEur,
      energyFromSolarKwh: report.totals.energyFromSolarKwh,
    },
    files: {
      xlsx: fileEntry(files.workbook),
      json: fileEntry(files.json),
      csv: files.csv.map(fileEntry),
      pdf: fileEntry(files.summary),
      ...(files.wallboxList ? { wallboxList: fileEntry(files.wallboxList) } : {}),
    },
  } satisfies Manifest);
}

/**
 * The report files, then their manifest, last: a reader who finds the manifest finds both files
 * it names. A run that fails before the manifest leaves the previous manifest in place.
 */
export async function publishMonthlyReport(
  store: ReportStore,
  content: ReportContent,
  runId: string,
  scope: Manifest["scope"],
  options: { orgLabel?: string; earlierMonths?: readonly MonthTotals[] } = {},
): Promise<PublishResult> {
  const files = await writeReportFiles(store, content, options);
  // Each wallbox's figures, compactly, for a later run of the month to say what moved (not a report file: the manifest does not list it).
  await writeFile(store, {
    name: WALLBOX_FIGURES_FILE_NAME,
    contentType: "application/x-ndjson",
    produce: async (out) => {
      for await (const entry of content.wallboxes.read()) await writeInTurn(out, `${JSON.stringify(wallboxFigures(entry))}\n`);
    },
  });
  const manifest = manifestFor(content, files, runId, scope);
  const manifestFile = await writeFile(store, {
    name: MANIFEST_FILE_NAME,
    contentType: "application/json",
    produce: async (out) => void out.end(`${JSON.stringify(manifest, null, 2)}\n`),
  });
  const { count, failed } = content.wallboxes;
  return { report: content.report, wallboxes: { count, failed }, ...files, manifest, manifestFile };
}
