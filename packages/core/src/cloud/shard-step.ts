import type { RunJob } from "../domain/run/index.ts";
import type { ShardDescriptor } from "../domain/shards/index.ts";
import type { WallboxProgress } from "../pipeline/index.ts";
import { runShard } from "../pipeline/index.ts";
import type { ReadDeps, RunLog, ShardStepInput, ShardStepResult, WorkflowDeps } from "./contract.ts";
import { planOf } from "./stored-run.ts";

/** Shard: reads one shard's wallboxes and stores its partial result, once (a repeat does nothing). A failure goes back to the workflow, which retries the shard unless it is fatal. */
export async function shardStep(deps: WorkflowDeps, input: ShardStepInput, read: ReadDeps): Promise<ShardStepResult> {
  const { job, shard } = input;
  const work = deps.workStore(job.runId);
  const plan = await planOf(work, job.runId);
  const result = await runShard(work, plan, shard, {
    reader: read.reader,
    openSpool: read.openSpool,
    concurrency: read.concurrency,
    deadline: read.deadline,
    onWallbox: (progress: WallboxProgress) => logWallbox(deps.log, job, shard, progress),
  });
  if (result.status === "done") {
    deps.log.info("shard done", {
      runId: job.runId,
      shard: shard.index + 1,
      wallboxes: shard.count,
      failed: result.header.failed,
      sessions: result.header.totals.sessions,
    });
  } else deps.log.info("shard already done", { runId: job.runId, shard: shard.index + 1 });
  return { index: shard.index, status: result.status };
}

function logWallbox(log: RunLog, job: RunJob, shard: ShardDescriptor, progress: WallboxProgress) {
  const fields = {
    runId: job.runId,
    shard: shard.index + 1,
    wallboxId: progress.wallbox.wallboxId,
    done: progress.done,
    of: progress.total,
    durationMs: Math.round(progress.durationMs),
  };
  if (progress.status === "ok") log.info("wallbox read", { ...fields, status: "ok", sessions: progress.sessions, savingsEur: progress.savingsEur });
  else log.warn("wallbox failed", { ...fields, status: "failed", error: progress.error });
}
