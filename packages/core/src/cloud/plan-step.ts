import { parseMonth } from "../domain/month/index.ts";
import { planLimitProblem, type RunJob, selectWallboxes } from "../domain/run/index.ts";
import type { Organization } from "../domain/sessions/index.ts";
import { shardCountFor } from "../domain/shards/index.ts";
import { planRun } from "../pipeline/index.ts";
import { RunLimitError } from "../shared/errors/index.ts";
import { type PlanStepOutput, statusBase, type WorkflowDeps } from "./contract.ts";

/**
 * Plan: records the run as running, reads the config, and splits the wallboxes into shards of at
 * most `shardSize` (a user's wallboxes stay together). Only small descriptors come out.
 */
export async function planStep(
  deps: WorkflowDeps,
  job: RunJob,
  options: { shardSize: number; organization?: (orgId: string) => Promise<Organization | undefined> },
): Promise<PlanStepOutput> {
  deps.log.info("run started", { runId: job.runId, wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all" });
  await deps.records.writeStatus({ ...statusBase(deps, job), status: "running", startedAt: deps.now().toISOString() });
  const config = selectWallboxes(await deps.records.loadConfig(), job.wallboxIds);
  const window = parseMonth(job.month, deps.now(), job.timeZone ?? "UTC");
  const tooMany = planLimitProblem(config.wallboxes.length, options.shardSize);
  if (tooMany) throw new RunLimitError(`cannot plan run ${job.runId}: ${tooMany}`);
  // One request before any shard reads: an API or credentials that cannot be used fail the run
  // here (fatal: operators are alerted, finance gets nothing), rather than every wallbox.
  const organization = await options.organization?.(config.orgId);
  const plan = await planRun(deps.workStore(job.runId), {
    config,
    window,
    generatedAt: deps.now(),
    shards: shardCountFor(config.wallboxes.length, options.shardSize),
    ...(organization ? { organizationName: organization.name } : {}),
  });
  deps.log.info("run planned", { runId: job.runId, wallboxes: plan.wallboxes, shards: plan.shards.length });
  return { job, shards: plan.shards };
}
