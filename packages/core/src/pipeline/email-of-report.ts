import { type EmailFile, FAILED_LISTED, type FailedWallbox, type FinanceEmail, financeEmail, type Replaced } from "../domain/email/index.ts";
import type { Manifest, MonthTotals } from "../domain/report/index.ts";
import type { ReportContent } from "./monthly-report.ts";

export interface FinanceEmailOptions {
  orgLabel?: string;
  /** Each file of the manifest as the email offers it (a link, or where it is). */
  files: readonly EmailFile[];
  linksExpireAt?: string;
  replaced?: Replaced;
  /** The previous month's report, where there is one. */
  previousMonth?: MonthTotals;
}

/**
 * The email of a published report: its manifest's totals and files, the report's caveats, and the
 * first failed wallboxes, read from the report's entries (a large org's are never held whole).
 */
export async function financeEmailFor(content: ReportContent, manifest: Manifest, options: FinanceEmailOptions): Promise<FinanceEmail> {
  const failedWallboxes: FailedWallbox[] = [];
  if (content.wallboxes.failed > 0) {
    for await (const entry of content.wallboxes.read()) {
      if (entry.status !== "failed") continue;
      failedWallboxes.push({ label: entry.label, wallboxId: entry.wallboxId, error: entry.error });
      if (failedWallboxes.length === FAILED_LISTED) break;
    }
  }
  return financeEmail({
    ...options,
    manifest,
    report: content.report,
    failedWallboxes,
  });
}
