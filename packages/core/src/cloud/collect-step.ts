import { partsLimitProblem } from "../domain/run/index.ts";
import { collectRun } from "../pipeline/index.ts";
import { WorkStoreError } from "../ports/index.ts";
import { RunLimitError } from "../shared/errors/index.ts";
import type { CollectStepInput, CollectStepOutput, WorkflowDeps } from "./contract.ts";
import { planOf } from "./stored-run.ts";

/**
 * After the shards' Map: settles each shard's outcome (a shard the workflow gave up on becomes
 * failed wallboxes) and cuts the session detail into CSV parts, for the detail's Map.
 */
export async function collectStep(deps: WorkflowDeps, input: CollectStepInput, options: { csvRowsPerPart: number }): Promise<CollectStepOutput> {
  const { job } = input;
  const work = deps.workStore(job.runId);
  const plan = await planOf(work, job.runId);
  const failures = new Map(input.shards.flatMap((result) => (result.status === "failed" ? [[result.index, result.error] as const] : [])));
  const collected = await collectRun(work, plan, {
    csvRowsPerPart: options.csvRowsPerPart,
    shardFailure: (shard) => {
      // Only a shard the workflow gave up on may lack a result; any other is lost data, never failed rows.
      if (!failures.has(shard.index)) throw new WorkStoreError(`shard ${shard.index + 1} of run ${job.runId} was reported done but stored no result`);
      return `not read: shard ${shard.index + 1} of ${plan.shards.length} failed (${failures.get(shard.index)})`;
    },
  });
  const sessions = collected.parts.reduce((sum, part) => sum + part.rows, 0);
  const tooMany = partsLimitProblem(sessions, options.csvRowsPerPart);
  if (tooMany) throw new RunLimitError(`cannot write the session detail of run ${job.runId}: ${tooMany}`);
  const failed = collected.shards.filter((outcome) => outcome.status === "failed").length;
  deps.log.info("shards collected", { runId: job.runId, shards: plan.shards.length, failedShards: failed, csvParts: collected.parts.length });
  return { parts: collected.parts };
}
