import { z } from "zod";
import { alertSafely, type OperatorAlerts } from "../domain/alerts/index.ts";
import type { OrgReader } from "../domain/org/index.ts";
import { type RunJob, runJobSchema, runStatusBase } from "../domain/run/index.ts";
import type { SessionsReader } from "../domain/sessions/index.ts";
import { detailPartSchema, discoveryBatchSchema, shardDescriptorSchema } from "../domain/shards/index.ts";
import type { EmailSender, LinkSigner, OpenSpool, ReportStore, RunRecords, WorkStore } from "../ports/index.ts";
import { retriedInWorkflow, type StepName } from "./fatal-errors.ts";

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
  /** The run's plan and partial results (`work/{orgId}/{runId}/` in the bucket). */
  workStore(runId: string): WorkStore;
  /** Where a report's files go, under a key prefix. */
  reportStore(prefix: string): ReportStore;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  /** How the workbook's printed pages name the organisation (the stage's setting); its id when absent. */
  orgLabel?: string;
  now(): Date;
  log: RunLog;
  /** Who receives the month's report, and how: absent where no recipients are configured. */
  finance?: FinanceDelivery;
  /** Operators hear of every run that fails or ends incomplete. */
  alerts?: OperatorAlerts;
}

/** The finance email's settings and its two adapters. */
export interface FinanceDelivery {
  recipients: string[];
  /** A sender identity verified in SES. */
  from: string;
  orgLabel?: string;
  sender: EmailSender;
  /** Signed links to the files; without it the email names where the files are. */
  links?: LinkSigner;
}

/** What a step that reads the Partner API needs besides. */
export interface ReadDeps {
  reader: SessionsReader & OrgReader;
  /** Where the shard keeps the sessions it reads until it stores them (a file in Lambda's /tmp). */
  openSpool: OpenSpool;
  concurrency: number;
  /** Aborts when the step's time is nearly up: wallboxes not read by then fail, the rest is kept. */
  deadline?: AbortSignal;
}

// The steps' inputs and outputs travel through the state machine: small, and checked at each step.
/**
 * The plan step's answer: the batches of users whose wallboxes the Discover Map lists (none when
 * the wallboxes come from the config), and the shards when the plan is made already (a config).
 */
export const planStepOutputSchema = z.object({
  job: runJobSchema,
  batches: z.array(discoveryBatchSchema).default([]),
  shards: z.array(shardDescriptorSchema).min(1).optional(),
});
export type PlanStepOutput = z.infer<typeof planStepOutputSchema>;

export const discoverStepInputSchema = z.object({ job: runJobSchema, batch: discoveryBatchSchema });
export type DiscoverStepInput = z.infer<typeof discoverStepInputSchema>;

/**
 * A child of a reading Map (a shard, a batch of users) as the next step learns of it: done, or
 * failed for good (after the workflow's retries, `ShardFailed`/`BatchFailed`) with why.
 */
const readingResultSchema = z.union([
  z.object({ index: z.number().int().nonnegative(), status: z.enum(["done", "already done"]) }),
  z.object({ index: z.number().int().nonnegative(), status: z.literal("failed"), error: z.string() }),
]);

/** A batch's step as the Split learns of it. */
export const discoverStepResultSchema = readingResultSchema;
export type DiscoverStepResult = z.infer<typeof discoverStepResultSchema>;

/** The plan's second part (after the Discover Map, which has no batch for a config): the shards. */
export const splitStepInputSchema = z.object({ job: runJobSchema, batches: z.array(discoverStepResultSchema) });
export type SplitStepInput = z.infer<typeof splitStepInputSchema>;
export const splitStepOutputSchema = z.object({ job: runJobSchema, shards: z.array(shardDescriptorSchema).min(1) });
export type SplitStepOutput = z.infer<typeof splitStepOutputSchema>;

export const shardStepInputSchema = z.object({ job: runJobSchema, shard: shardDescriptorSchema });
export type ShardStepInput = z.infer<typeof shardStepInputSchema>;

/** A shard's step as the Collect learns of it. */
export const shardStepResultSchema = readingResultSchema;
export type ShardStepResult = z.infer<typeof shardStepResultSchema>;

export const collectStepInputSchema = z.object({ job: runJobSchema, shards: z.array(shardStepResultSchema) });
export type CollectStepInput = z.infer<typeof collectStepInputSchema>;

/** The session detail's parts, for the second Map: one CSV part each. */
export const collectStepOutputSchema = z.object({ parts: z.array(detailPartSchema).min(1) });
export type CollectStepOutput = z.infer<typeof collectStepOutputSchema>;

export const detailStepInputSchema = z.object({ job: runJobSchema, part: detailPartSchema });
export type DetailStepInput = z.infer<typeof detailStepInputSchema>;

export const detailStepResultSchema = z.object({ index: z.number().int().nonnegative(), status: z.enum(["done", "already done"]) });
export type DetailStepResult = z.infer<typeof detailStepResultSchema>;

/** The merge finds all it needs in the run's work objects. */
export const mergeStepInputSchema = z.object({ job: runJobSchema });
export type MergeStepInput = z.infer<typeof mergeStepInputSchema>;

export const statusBase = (deps: WorkflowDeps, job: RunJob) => runStatusBase(deps.orgId, job);

/**
 * Runs a step; if it fails, the run's status says so (and why) before the error goes on, unless
 * the workflow will try the step again (`retriedInWorkflow`): then the run is still running, and
 * only the log says what happened (a run that still fails after its retries is reported failed
 * from its execution's state). `fields` say which part of the run the step is (a shard, a CSV part).
 */
export async function recordingFailure<T>(
  deps: WorkflowDeps,
  job: RunJob,
  step: { name: StepName; fields?: Record<string, unknown> },
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (retriedInWorkflow(step.name, error)) {
      deps.log.warn(`${step.name} failed; the workflow tries it again`, {
        runId: job.runId,
        ...step.fields,
        error: (error as Error).message,
        errorType: (error as Error).name,
      });
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.error("run failed", { runId: job.runId, error: reason, errorType: error instanceof Error ? error.name : typeof error });
    await deps.records
      .writeStatus({ ...statusBase(deps, job), status: "failed", finishedAt: deps.now().toISOString(), error: reason })
      .catch((statusError: unknown) => deps.log.error("could not record the failed run's status", { error: (statusError as Error).message }));
    await alertSafely(deps.alerts, { month: job.month, runId: job.runId, what: "run FAILED", reason }, deps.log);
    throw error;
  }
}
