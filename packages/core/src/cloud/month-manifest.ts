import type { Manifest, ReplacedReport } from "../domain/report/index.ts";
import { monthManifestDecision, RunRecordsError } from "../domain/run/index.ts";
import type { RunRecords } from "../ports/index.ts";

/** How often the month's manifest may change under a run before it gives up (each change is another run's publication). */
const MAX_TRIES = 10;

export type MonthPublication =
  | { placement: "month"; replaced?: ReplacedReport }
  /** The month's manifest stays as it is: a complete report, or one read later. */
  | { placement: "set-aside"; kept: Manifest };

const replacedOf = ({ runId, generatedAt, complete, totals }: Manifest): ReplacedReport => ({ runId, generatedAt, complete, totals });

/**
 * Makes a full run's manifest the month's if `monthManifestDecision` says so, atomically: it reads
 * the month's manifest with its version tag and replaces it only if it is still that version; if
 * another run replaced it meanwhile, it reads it again and decides again. So "an incomplete run
 * never replaces a complete month" holds however runs overlap. The month's manifest names the
 * report it replaced (`replaces`), so a retried step that finds the month naming this run already
 * still knows what it replaced.
 */
export async function publishToMonth(records: RunRecords, manifest: Manifest): Promise<MonthPublication> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const current = await records.readMonthManifest(manifest.month);
    const decision = monthManifestDecision(current?.manifest, manifest);
    if (decision === "already") return { placement: "month", ...(current!.manifest.replaces ? { replaced: current!.manifest.replaces } : {}) };
    if (decision === "keep") return { placement: "set-aside", kept: current!.manifest };
    const replaced = current && replacedOf(current.manifest);
    if (await records.replaceMonthManifest(manifest.month, { ...manifest, ...(replaced ? { replaces: replaced } : {}) }, current?.etag)) {
      return { placement: "month", ...(replaced ? { replaced } : {}) };
    }
  }
  throw new RunRecordsError(
    `the manifest of ${manifest.month} changed ${MAX_TRIES} times while run ${manifest.runId} tried to publish: too many runs at once`,
  );
}
