import { z } from "zod";
import { parseMonth } from "../month/index.ts";
import { publishMonthlyReport } from "../run/publish.ts";
import type { SessionsReader, WallboxProgress } from "../run/read-wallboxes.ts";
import { mergedReport, planRun, readPlan, runShard } from "../run/shards.ts";
import { placementOf, type RunJob, type RunRecords, type RunStatus, reportKeys, runJobSchema, selectWallboxes } from "../runs/index.ts";
import { type ShardDescriptor, shardCountFor, shardDescriptorSchema } from "../shards/index.ts";
import type { ReportStore, WorkStore } from "../storage/index.ts";

/** The log lines a run writes (Powertools' Logger has this shape). */
export interface RunLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the cloud run's steps touch outside themselves, whichever door starts them. */
export interface WorkflowDeps {
  orgId: string;
  records: RunRecords;
  /** The run's plan and partial results (`work/{runId}/` in the bucket). */
  workStore(runId: string): WorkStore;
  /** Where a report's files go, under a key prefix. */
  reportStore(prefix: string): ReportStore;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  now(): Date;
  log: RunLog;
}

/** What a step that reads the Partner API needs besides. */
export interface ReadDeps {
  reader: SessionsReader;
  concurrency: number;
  /** Aborts when the step's time is nearly up: wallboxes not read by then fail, the rest is kept. */
  deadline?: AbortSignal;
}

// The steps' inputs and outputs travel through the state machine: small, and checked at each step.
export const planStepOutputSchema = z.object({ job: runJobSchema, shards: z.array(shardDescriptorSchema).min(1) });
export type PlanStepOutput = z.infer<typeof planStepOutputSchema>;

export const shardStepInputSchema = z.object({ job: runJobSchema, shard: shardDescriptorSchema });
export type ShardStepInput = z.infer<typeof shardStepInputSchema>;

/** A shard's step as the merge learns of it: done, or failed for good (after the workflow's retries) with why. */
export const shardStepResultSchema = z.union([
  z.object({ index: z.number().int().nonnegative(), status: z.enum(["done", "already done"]) }),
  z.object({ index: z.number().int().nonnegative(), status: z.literal("failed"), error: z.string() }),
]);
export type ShardStepResult = z.infer<typeof shardStepResultSchema>;

export const mergeStepInputSchema = z.object({ job: runJobSchema, shards: z.array(shardStepResultSchema) });
export type MergeStepInput = z.infer<typeof mergeStepInputSchema>;

function statusBase(deps: WorkflowDeps, job: RunJob) {
  const expected = reportKeys(deps.orgId, job.month, job.runId, job.wallboxIds ? "subset" : "month");
  return { runId: job.runId, month: job.month, trigger: job.trigger, requestedAt: job.requestedAt, manifestKey: expected.manifest };
}

/** Runs a step; if it fails, the run's status says so (and why) before the error goes on. */
async function recordingFailure<T>(deps: WorkflowDeps, job: RunJob, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.error("run failed", { runId: job.runId, error: reason, errorType: error instanceof Error ? error.name : typeof error });
    await deps.records
      .writeStatus({ ...statusBase(deps, job), status: "failed", finishedAt: deps.now().toISOString(), error: reason })
      .catch((statusError: unknown) => deps.log.error("could not record the failed run's status", { error: (statusError as Error).message }));
    throw error;
  }
}

/**
 * Plan: records the run as running, reads the config, and splits the wallboxes into shards of at
 * most `shardSize` (a user's wallboxes stay together). Only small descriptors come out.
 */
export async function planStep(deps: WorkflowDeps, job: RunJob, options: { shardSize: number }): Promise<PlanStepOutput> {
  return recordingFailure(deps, job, async () => {
    deps.log.info("run started", { runId: job.runId, wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all" });
    await deps.records.writeStatus({ ...statusBase(deps, job), status: "running", startedAt: deps.now().toISOString() });
    if (!job.wallboxIds) await deps.records.recordActiveRun(job.month, job.runId);
    const config = selectWallboxes(await deps.records.loadConfig(), job.wallboxIds);
    const window = parseMonth(job.month, deps.now());
    const plan = await planRun(deps.workStore(job.runId), {
      config,
      window,
      generatedAt: deps.now(),
      shards: shardCountFor(config.wallboxes.length, options.shardSize),
    });
    deps.log.info("run planned", { runId: job.runId, wallboxes: plan.wallboxes, shards: plan.shards.length });
    return { job, shards: plan.shards };
  });
}

/** Shard: reads one shard's wallboxes and stores its partial result, once (a repeat does nothing). */
export async function shardStep(deps: WorkflowDeps, input: ShardStepInput, read: ReadDeps): Promise<ShardStepResult> {
  const { job, shard } = input;
  const work = deps.workStore(job.runId);
  const plan = await readPlan(work);
  if (!plan) throw new Error(`run ${job.runId} has no plan: the plan step did not finish`);
  const result = await runShard(work, plan, shard, {
    reader: read.reader,
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

/**
 * Merge and publish: the report from the shards' partial results (a shard that failed for good
 * makes its wallboxes failed entries), placed by the rules of `placementOf`, its manifest last,
 * and the run's final status.
 */
export async function mergeStep(deps: WorkflowDeps, input: MergeStepInput): Promise<RunStatus> {
  const { job } = input;
  return recordingFailure(deps, job, async () => {
    const work = deps.workStore(job.runId);
    const plan = await readPlan(work);
    if (!plan) throw new Error(`run ${job.runId} has no plan: the plan step did not finish`);
    const failures = new Map(input.shards.flatMap((result) => (result.status === "failed" ? [[result.index, result.error] as const] : [])));
    const content = await mergedReport(work, plan, {
      source: deps.source,
      shardFailure: (shard) => {
        const why = failures.get(shard.index);
        return `not read: shard ${shard.index + 1} of ${plan.shards.length} failed${why ? ` (${why})` : ""}`;
      },
    });
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
  });
}

/** The whole run in one process: plan, each shard in turn, merge. The same steps the state machine runs one by one. */
export async function runAllSteps(deps: WorkflowDeps, job: RunJob, read: ReadDeps & { shardSize: number }): Promise<RunStatus> {
  const planned = await planStep(deps, job, { shardSize: read.shardSize });
  const results: ShardStepResult[] = [];
  for (const shard of planned.shards) {
    results.push(await recordingFailure(deps, job, () => shardStep(deps, { job, shard }, read)));
  }
  return mergeStep(deps, { job, shards: results });
}
