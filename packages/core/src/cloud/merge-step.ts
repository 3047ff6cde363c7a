import { previousMonthOf } from "../domain/report/index.ts";
import { monthManifestKey, type Placement, type RunStatus, runReportKeys } from "../domain/run/index.ts";
import { earlierMonths, mergedReport, monthTotalsInRecords, publishMonthlyReport } from "../pipeline/index.ts";
import { type MergeStepInput, statusBase, type WorkflowDeps } from "./contract.ts";
import { deliverReport } from "./deliver.ts";
import { publishToMonth } from "./month-manifest.ts";
import { collectedOf } from "./stored-run.ts";

/**
 * Merge and publish: the report from the shards' partial results as collected (a shard that failed
 * for good makes its wallboxes failed entries) and the CSV parts the detail's steps wrote, under
 * the run's own prefix with its manifest last; then, for a full run, the month's manifest if the
 * run's report is to be the month's (`publishToMonth`); then the run's final status.
 */
export async function mergeStep(deps: WorkflowDeps, input: MergeStepInput): Promise<RunStatus> {
  const { job } = input;
  const work = deps.workStore(job.runId);
  const { plan, collected } = await collectedOf(work, job.runId);
  const content = await mergedReport(work, plan, collected, { source: deps.source });
  const complete = content.report.complete;
  // The run's files and its own manifest, under its own prefix, each written once.
  const keys = runReportKeys(deps.orgId, job.month, job.runId);
  // Full runs compare with the month's earlier reports; a subset has no such history.
  const earlier = job.wallboxIds ? undefined : await earlierMonths(job.month, monthTotalsInRecords(deps.records));
  const result = await publishMonthlyReport(deps.reportStore(keys.prefix), content, job.runId, job.wallboxIds ? "subset" : "all", {
    ...(deps.orgLabel ? { orgLabel: deps.orgLabel } : {}),
    ...(earlier ? { earlierMonths: earlier } : {}),
  });
  const previousMonth = previousMonthOf(job.month, earlier);
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
  // Restatement, email and alerts before the status: a retried step (the status write failed)
  // finds the month naming this run, with what it replaced, and the email's marker.
  await deliverReport(deps, {
    job,
    work,
    content,
    manifest: result.manifest,
    publication,
    reportStore: deps.reportStore(keys.prefix),
    ...(previousMonth ? { previousMonth } : {}),
    summaryPdf: result.summaryPdf,
  });
  await deps.records.writeStatus(status);
  const summary = { runId: job.runId, complete, placement, ...status.totals, manifestKey };
  if (publication?.placement === "set-aside") {
    const kept = publication.kept;
    const why = kept.complete && !complete ? "its report is complete and this one is INCOMPLETE" : `its report was read later (${kept.generatedAt})`;
    const fields = { ...summary, monthRunId: kept.runId, why };
    if (complete) deps.log.warn("run done, kept beside the month's report, which stays in place", fields);
    else deps.log.error("run done, report INCOMPLETE: kept beside the month's report, which stays in place", fields);
  } else if (complete)
    deps.log.info("run done", { ...summary, replacedRunId: publication?.placement === "month" ? publication.replaced?.runId : undefined });
  else deps.log.error("run done, report INCOMPLETE: some wallboxes could not be read", summary);
  return status;
}
