import { alertSafely } from "../domain/alerts/index.ts";
import type { Manifest, MonthTotals } from "../domain/report/index.ts";
import type { RunJob } from "../domain/run/index.ts";
import type { ReportContent } from "../pipeline/index.ts";
import type { ReportStore, WorkStore } from "../ports/index.ts";
import type { WorkflowDeps } from "./contract.ts";
import type { MonthPublication } from "./month-manifest.ts";
import { restate } from "./restate.ts";
import { sendFinanceEmail } from "./send-email.ts";

export interface Delivery {
  job: RunJob;
  work: WorkStore;
  content: ReportContent;
  /** The run's own manifest. */
  manifest: Manifest;
  /** Undefined for a subset's run. */
  publication: MonthPublication | undefined;
  /** The run's prefix. */
  reportStore: ReportStore;
  /** The previous month's report, where there is one (the email says how the totals changed since). */
  previousMonth?: MonthTotals;
  /** The one-page PDF summary's bytes, which the email attaches. */
  summaryPdf?: Buffer;
}

/**
 * What follows a publication, none of which unpublishes the report when it fails (operators are
 * told instead): a rerun's restatement beside the report, the finance email, and the alerts for
 * an incomplete report or an email that did not go out.
 */
export async function deliverReport(deps: WorkflowDeps, delivery: Delivery): Promise<void> {
  const { job, manifest, publication } = delivery;
  const alert = (what: string, reason: string) => alertSafely(deps.alerts, { month: job.month, runId: job.runId, what, reason }, deps.log);
  const replaced = publication?.placement === "month" ? publication.replaced : undefined;
  const restated = replaced
    ? await restate(deps.records, delivery.reportStore, delivery.content.wallboxes, replaced, manifest).catch(async (error: unknown) => {
        deps.log.error("restatement NOT written", { runId: job.runId, error: (error as Error).message });
        await alert("restatement NOT written", (error as Error).message);
        return undefined;
      })
    : undefined;
  if (restated) {
    deps.log.info("restatement written", {
      runId: job.runId,
      key: restated.file.key,
      movedWallboxes: restated.moved,
      replacedRunId: replaced?.runId,
    });
  }
  if (publication) {
    const notSent = await sendFinanceEmail(deps, job, delivery.work, delivery.content, manifest, publication, {
      restated,
      previousMonth: delivery.previousMonth,
      summaryPdf: delivery.summaryPdf,
    }).catch(async (error: unknown) => {
      deps.log.error("finance email NOT sent", { runId: job.runId, error: (error as Error).message });
      await alert("finance email NOT sent", `The report is published, but the email failed: ${(error as Error).message}.`);
      return undefined;
    });
    if (notSent) deps.log.info("no finance email", { runId: job.runId, why: notSent });
  }
  if (!manifest.complete) {
    const { failedWallboxes, wallboxes } = manifest.totals;
    const { usersNotListed } = delivery.content.report.coverage;
    const what = [
      ...(failedWallboxes || !usersNotListed ? [`${failedWallboxes} of ${wallboxes} wallboxes failed`] : []),
      ...(usersNotListed ? [`the wallboxes of ${usersNotListed} users could not be listed`] : []),
    ];
    await alert(
      `report INCOMPLETE (${what.join("; ")})`,
      `${publication?.placement === "month" ? "It is the month's report until a complete run replaces it" : "The month's report stays as it was"}; the workbook's Data quality sheet and the run's logs say why each wallbox or user failed. The catch-up schedule runs the month again on the 2nd to the 5th.`,
    );
  }
}
