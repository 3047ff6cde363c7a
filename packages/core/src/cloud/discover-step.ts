import { discoverBatch, readDiscoveryPlan } from "../pipeline/index.ts";
import { WorkStoreError } from "../ports/index.ts";
import type { DiscoverStepInput, DiscoverStepResult, ReadDeps, WorkflowDeps } from "./contract.ts";

/**
 * Discover: lists the wallboxes of one batch of the org's users and stores them, once (a repeat
 * does nothing). A failure goes back to the workflow, which retries the batch unless it is fatal;
 * a batch that still fails makes each of its users a failed line of the report.
 */
export async function discoverStep(deps: WorkflowDeps, input: DiscoverStepInput, read: ReadDeps): Promise<DiscoverStepResult> {
  const { job, batch } = input;
  const work = deps.workStore(job.runId);
  const discovery = await readDiscoveryPlan(work);
  if (!discovery) throw new WorkStoreError(`run ${job.runId} has no discovery plan: the plan step did not finish`);
  const result = await discoverBatch(work, discovery, batch, {
    reader: read.reader,
    concurrency: read.concurrency,
    ...(read.deadline ? { deadline: read.deadline } : {}),
  });
  if (result.status === "done") {
    const { listedWallboxes, coverage } = result.result;
    deps.log.info("batch of users listed", {
      runId: job.runId,
      batch: batch.index + 1,
      users: coverage.orgUsers,
      wallboxes: listedWallboxes,
      deleted: coverage.deletedWallboxes,
      usersNotListed: coverage.usersNotListed,
    });
  } else deps.log.info("batch of users already listed", { runId: job.runId, batch: batch.index + 1 });
  return { index: batch.index, status: result.status };
}
