import { parseMonth } from "../domain/month/index.ts";
import type { OrgReader } from "../domain/org/index.ts";
import { planLimitProblem, type RunJob, selectWallboxes } from "../domain/run/index.ts";
import type { SessionsReader } from "../domain/sessions/index.ts";
import { shardCountFor } from "../domain/shards/index.ts";
import { planMonth, type WallboxSource } from "../pipeline/index.ts";
import { ConfigError, RunLimitError } from "../shared/errors/index.ts";
import { type PlanStepOutput, statusBase, type WorkflowDeps } from "./contract.ts";

export interface PlanStepOptions {
  shardSize: number;
  /** The Partner API: the organisation, and its users and their wallboxes (the coverage check, discovery). */
  reader: SessionsReader & OrgReader;
  /** How many users' wallbox lists discovery asks for at once. */
  concurrency: number;
  /** Aborts when the invocation's time is nearly up: discovery then stops the run, saying so. */
  deadline?: AbortSignal;
  /** Where the stage takes its wallboxes from: the config in the bucket (default), or every wallbox of `orgId` through the Partner API. */
  wallboxesFrom?: { from: "config" } | { from: "partner-api"; orgId: string };
}

/**
 * Plan: records the run as running, takes the wallboxes (the config, or discovered), checks them
 * against what Podero counts for the org, and splits them into shards of at most `shardSize` (a
 * user's wallboxes stay together). Only small descriptors come out.
 */
export async function planStep(deps: WorkflowDeps, job: RunJob, options: PlanStepOptions): Promise<PlanStepOutput> {
  deps.log.info("run started", { runId: job.runId, wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all" });
  await deps.records.writeStatus({ ...statusBase(deps, job), status: "running", startedAt: deps.now().toISOString() });
  const from = options.wallboxesFrom ?? { from: "config" };
  if (from.from === "partner-api" && job.wallboxIds) {
    // Queued before the stage's setting changed, perhaps: reporting the whole org would answer another question.
    throw new ConfigError(
      `run ${job.runId} selects ${job.wallboxIds.length} wallboxes, but this stage finds its wallboxes through the Partner API and reports all of them`,
    );
  }
  const wallboxes: WallboxSource =
    from.from === "config"
      ? { from: "config", config: selectWallboxes(await deps.records.loadConfig(), job.wallboxIds), ...(job.wallboxIds ? { selected: true } : {}) }
      : from;
  const window = parseMonth(job.month, deps.now(), job.timeZone ?? "UTC");
  const shardsFor = (count: number) => {
    const tooMany = planLimitProblem(count, options.shardSize);
    if (tooMany) throw new RunLimitError(`cannot plan run ${job.runId}: ${tooMany}`);
    return shardCountFor(count, options.shardSize);
  };
  // The organisation is asked first: an API or credentials that cannot be used fail the run here
  // (fatal: operators are alerted, finance gets nothing), rather than every wallbox.
  const { plan } = await planMonth(deps.workStore(job.runId), {
    wallboxes,
    reader: options.reader,
    window,
    generatedAt: deps.now(),
    shardsFor,
    concurrency: options.concurrency,
    ...(options.deadline ? { deadline: options.deadline } : {}),
    onDiscovered: (summary) => deps.log.info("wallboxes discovered", { runId: job.runId, ...summary }),
  });
  deps.log.info("run planned", { runId: job.runId, wallboxes: plan.wallboxes, shards: plan.shards.length, coverage: plan.coverage });
  return { job, shards: plan.shards };
}
