import type { RunJob, RunStatus } from "../run-records/index.ts";
import { type ReadDeps, recordingFailure, type ShardStepResult, type WorkflowDeps } from "./contract.ts";
import { mergeStep } from "./merge-step.ts";
import { planStep } from "./plan-step.ts";
import { shardStep } from "./shard-step.ts";

/** The whole run in one process: plan, each shard in turn, merge. The same steps the state machine runs one by one. */
export async function runAllSteps(
  deps: WorkflowDeps,
  job: RunJob,
  read: ReadDeps & { shardSize: number; checkCredentials?: () => Promise<unknown> },
): Promise<RunStatus> {
  const planned = await planStep(deps, job, { shardSize: read.shardSize, checkCredentials: read.checkCredentials });
  const results: ShardStepResult[] = [];
  for (const shard of planned.shards) {
    results.push(await recordingFailure(deps, job, () => shardStep(deps, { job, shard }, read)));
  }
  return mergeStep(deps, { job, shards: results });
}
