import { alertSafely } from "../alerts/index.ts";
import { mergedReport } from "../run/merge.ts";
import { publishMonthlyReport } from "../run/publish.ts";
import { monthManifestKey, type Placement, type RunStatus, runReportKeys } from "../run-records/index.ts";
import { type MergeStepInput, recordingFailure, statusBase, type WorkflowDeps } from "./contract.ts";
import { isRetriedStoreError } from "./fatal-errors.ts";
import { publishToMonth } from "./month-manifest.ts";
import { restate } from "./restate.ts";
import { sendFinanceEmail } from "./send-finance-email.ts";
import { collectedOf } from "./stored-run.ts";

/**
 * Merge and publish: the report from the shards' partial results as collected (a shard that failed
 * for good makes its wallboxes failed entries) and the CSV parts the detail's steps wrote, under
 * the run's own prefix with its manifest last; then, for a full run, the month's manifest if the
 * run's report is to be the month's (`publishToMonth`); then the run's final status.
 */
export async function mergeStep(deps: WorkflowDeps, input: MergeStepInput): Promise<RunStatus> {
  const { job } = input;
  return recordingFailure(
    deps,
    job,
    async () => {
      const work = deps.workStore(job.runId);
      const { plan, collected } = await collectedOf(work, job.runId);
      const content = await mergedReport(work, plan, collected, { source: deps.source });
      const complete = content.report.complete;
      // The run's files and its own manifest, under its own prefix, each written once.
      const keys = runReportKeys(deps.orgId, job.month, job.runId);
      const result = await publishMonthlyReport(deps.reportStore(keys.prefix), content, job.runId, job.wallboxIds ? "subset" : "all");
      // Then, for a full run, the month's manifest: the one object that is replaced, atomically.
      const publication = job.wallboxIds ? undefined : await publishToMonth(deps.records, result.manifest);
      const placement: Placement = publication?.placement ?? "subset";
      const manifestKey = placement === "month" ? monthManifestKey(deps.orgId, job.month) : keys.manifest;
      const status: RunStatus = {
        ...statusBase(deps, job),
        manifestKey,
        status: "done",
        finishedAt: deps.now().toISOString(),
        complete,
        placement,
        keys: { xlsx: keys.xlsx, json: keys.json, csv: result.csv.map((file) => file.key ?? file.name), manifest: keys.manifest },
        totals: result.manifest.totals,
      };
      // A rerun that replaced the month's report says what moved, beside the report, for systems and for the email.
      const restated =
        publication?.placement === "month" && publication.replaced
          ? await restate(deps.records, deps.reportStore(keys.prefix), content.wallboxes, publication.replaced, result.manifest).catch(
              async (error: unknown) => {
                deps.log.error("restatement NOT written", { runId: job.runId, error: (error as Error).message });
                await alertSafely(
                  deps.alerts,
                  { month: job.month, runId: job.runId, what: "restatement NOT written", reason: (error as Error).message },
                  deps.log,
                );
                return undefined;
              },
            )
          : undefined;
      if (restated)
        deps.log.info("restatement written", {
          runId: job.runId,
          key: restated.file.key,
          movedWallboxes: restated.moved,
          replacedRunId: publication?.placement === "month" ? publication.replaced?.runId : undefined,
        });
      await deps.records.writeStatus(status);
      // The report is published whatever becomes of the email; an email that fails is an operator's matter.
      const notSent = publication
        ? await sendFinanceEmail(deps, job, work, content, result.manifest, publication, restated).catch((error: unknown) => {
            deps.log.error("finance email NOT sent", { runId: job.runId, error: (error as Error).message });
            return `failed: ${(error as Error).message}`;
          })
        : "a subset's report goes to no one";
      if (notSent && !notSent.startsWith("failed")) deps.log.info("no finance email", { runId: job.runId, why: notSent });
      const alert = (what: string, reason: string) => alertSafely(deps.alerts, { month: job.month, runId: job.runId, what, reason }, deps.log);
      if (!complete) {
        const { failedWallboxes, wallboxes } = result.manifest.totals;
        await alert(
          `report INCOMPLETE (${failedWallboxes} of ${wallboxes} wallboxes failed)`,
          `${placement === "month" ? "It is the month's report until a complete run replaces it" : "The month's report stays as it was"}; the workbook's Data quality sheet and the run's logs say why each wallbox failed. The catch-up schedule runs the month again on the 2nd to the 5th.`,
        );
      }
      if (notSent?.startsWith("failed")) await alert("finance email NOT sent", `The report is published, but ${notSent}.`);
      const summary = { runId: job.runId, complete, placement, ...status.totals, manifestKey };
      if (publication?.placement === "set-aside") {
        const kept = publication.kept;
        const why =
          kept.complete && !complete ? "its report is complete and this one is INCOMPLETE" : `its report was read later (${kept.generatedAt})`;
        const fields = { ...summary, monthRunId: kept.runId, why };
        if (complete) deps.log.warn("run done, kept beside the month's report, which stays in place", fields);
        else deps.log.error("run done, report INCOMPLETE: kept beside the month's report, which stays in place", fields);
      } else if (complete)
        deps.log.info("run done", { ...summary, replacedRunId: publication?.placement === "month" ? publication.replaced?.runId : undefined });
      else deps.log.error("run done, report INCOMPLETE: some wallboxes could not be read", summary);
      return status;
    },
    isRetriedStoreError,
  );
}
