import { parseMonth } from "../domain/month/index.ts";
import type { OrgReader } from "../domain/org/index.ts";
import { planLimitProblem, type RunJob, selectWallboxes } from "../domain/run/index.ts";
import type { SessionsReader } from "../domain/sessions/index.ts";
import { shardCountFor } from "../domain/shards/index.ts";
import { type DiscoverySummary, planDiscovered, planDiscovery, planMonth, readDiscoveryPlan, readPlan } from "../pipeline/index.ts";
import { WorkStoreError } from "../ports/index.ts";
import { ConfigError, RunLimitError } from "../shared/errors/index.ts";
import { type PlanStepOutput, type SplitStepInput, type SplitStepOutput, statusBase, type WorkflowDeps } from "./contract.ts";

export interface PlanStepOptions {
  shardSize: number;
  /** The Partner API: the organisation, and its users and their wallboxes (the coverage check, discovery). */
  reader: SessionsReader & OrgReader;
  /** Where the stage takes its wallboxes from: the config in the bucket (default), or every wallbox of `orgId` through the Partner API. */
  wallboxesFrom?: { from: "config" } | { from: "partner-api"; orgId: string };
}

/** How many shards a run of this many wallboxes has, or why it cannot be planned. */
const shardsFor = (job: RunJob, shardSize: number) => (count: number) => {
  const tooMany = planLimitProblem(count, shardSize);
  if (tooMany) throw new RunLimitError(`cannot plan run ${job.runId}: ${tooMany}`);
  return shardCountFor(count, shardSize);
};

/**
 * Plan: records the run as running and asks for the organisation (an API or credentials that
 * cannot be used fail the run here: fatal, operators are alerted, finance gets nothing). With a
 * config it checks the wallboxes against what Podero counts for the org and splits them into
 * shards of at most `shardSize` (a user's wallboxes stay together). A stage that finds its
 * wallboxes through the Partner API reads the users list instead and cuts it into batches of
 * `shardSize` users, which the Discover Map lists; `splitStep` then makes the plan. Only small
 * descriptors come out.
 */
export async function planStep(deps: WorkflowDeps, job: RunJob, options: PlanStepOptions): Promise<PlanStepOutput> {
  deps.log.info("run started", { runId: job.runId, wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all" });
  await deps.records.writeStatus({ ...statusBase(deps, job), status: "running", startedAt: deps.now().toISOString() });
  const work = deps.workStore(job.runId);
  const window = parseMonth(job.month, deps.now(), job.timeZone ?? "UTC");
  const from = options.wallboxesFrom ?? { from: "config" };
  if (from.from === "partner-api") {
    if (job.wallboxIds) {
      // Queued before the stage's setting changed, perhaps: reporting the whole org would answer another question.
      throw new ConfigError(
        `run ${job.runId} selects ${job.wallboxIds.length} wallboxes, but this stage finds its wallboxes through the Partner API and reports all of them`,
      );
    }
    const planned = await readPlan(work);
    if (planned) return { job, batches: [], shards: planned.shards };
    const existing = await readDiscoveryPlan(work);
    const organizationName = existing ? undefined : (await options.reader.organization(from.orgId))?.name;
    const discovery =
      existing ??
      (await planDiscovery(work, options.reader, {
        orgId: from.orgId,
        ...(organizationName ? { organizationName } : {}),
        window,
        generatedAt: deps.now(),
        batchSize: options.shardSize,
      }));
    deps.log.info("users listed", { runId: job.runId, users: discovery.users, batches: discovery.batches.length });
    return { job, batches: discovery.batches };
  }
  const config = selectWallboxes(await deps.records.loadConfig(), job.wallboxIds);
  const { plan } = await planMonth(work, {
    wallboxes: { from: "config", config, ...(job.wallboxIds ? { selected: true } : {}) },
    reader: options.reader,
    window,
    generatedAt: deps.now(),
    shardsFor: shardsFor(job, options.shardSize),
    concurrency: 1,
  });
  deps.log.info("run planned", { runId: job.runId, wallboxes: plan.wallboxes, shards: plan.shards.length, coverage: plan.coverage });
  return { job, batches: [], shards: plan.shards };
}

/**
 * The plan's second part, after the Discover Map: the shards of a plan made already (a config),
 * or the plan made now from the batches' wallbox lists, in the users list's order. A batch that
 * failed for good makes each of its users a failed line: the report is incomplete, never short.
 */
export async function splitStep(deps: WorkflowDeps, input: SplitStepInput, options: { shardSize: number }): Promise<SplitStepOutput> {
  const { job } = input;
  const work = deps.workStore(job.runId);
  const existing = await readPlan(work);
  if (existing) return { job, shards: existing.shards };
  const discovery = await readDiscoveryPlan(work);
  if (!discovery) throw new WorkStoreError(`run ${job.runId} has neither a plan nor a discovery plan: the plan step did not finish`);
  const outcomes = [...input.batches]
    .sort((a, b) => a.index - b.index)
    .map((batch) =>
      batch.status === "failed"
        ? { index: batch.index, status: "failed" as const, error: batch.error }
        : { index: batch.index, status: "done" as const },
    );
  const { plan } = await planDiscovered(work, discovery, {
    outcomes,
    shardsFor: shardsFor(job, options.shardSize),
    onDiscovered: (summary: DiscoverySummary) => deps.log.info("wallboxes discovered", { runId: job.runId, ...summary }),
  });
  deps.log.info("run planned", { runId: job.runId, wallboxes: plan.wallboxes, shards: plan.shards.length, coverage: plan.coverage });
  return { job, shards: plan.shards };
}
