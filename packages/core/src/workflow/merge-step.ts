import { mergedReport } from "../run/merge.ts";
import { publishMonthlyReport } from "../run/publish.ts";
import { placementOf, type RunStatus, reportKeys } from "../run-records/index.ts";
import { type MergeStepInput, recordingFailure, statusBase, type WorkflowDeps } from "./contract.ts";
import { isRetriedStoreError } from "./fatal-errors.ts";
import { collectedOf } from "./stored-run.ts";

/**
 * Merge and publish: the report from the shards' partial results as collected (a shard that failed
 * for good makes its wallboxes failed entries) and the CSV parts the detail's steps wrote, placed
 * by the rules of `placementOf`, its manifest last, and the run's final status.
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
      const placement = placementOf(job, complete, !complete && !job.wallboxIds && (await deps.records.monthHasCompleteReport(job.month)));
      const keys = reportKeys(deps.orgId, job.month, job.runId, placement);
      const result = await publishMonthlyReport(deps.reportStore(keys.prefix), content, job.runId, placement === "subset" ? "subset" : "all");
      const status: RunStatus = {
        ...statusBase(deps, job),
        manifestKey: keys.manifest,
        status: "done",
        finishedAt: deps.now().toISOString(),
        complete,
        placement,
        keys: { xlsx: keys.xlsx, json: keys.json, csv: result.csv.map((file) => file.key ?? file.name), manifest: keys.manifest },
        totals: result.manifest.totals,
      };
      await deps.records.writeStatus(status);
      const summary = { runId: job.runId, complete, placement, ...status.totals, manifestKey: keys.manifest };
      if (complete) deps.log.info("run done", summary);
      else if (placement === "set-aside")
        deps.log.error("run done, report INCOMPLETE: kept beside the complete report of the month, which stays in place", summary);
      else deps.log.error("run done, report INCOMPLETE: some wallboxes could not be read", summary);
      return status;
    },
    isRetriedStoreError,
  );
}
