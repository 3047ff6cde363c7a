import { z } from "zod";
import type { ReportConfig } from "../config/index.ts";
import { MANIFEST_FILE_NAME, type Manifest, manifestSchema, reportFileNames } from "../report/index.ts";
import { MAX_REQUESTED_WALLBOXES } from "./limits.ts";

/**
 * Runs in the cloud: what starts one, where its files and status live, and what its status says.
 * Pure: the functions package does the I/O.
 */

const uuid = z.guid({ error: "invalid uuid" });
const monthText = z.string().regex(/^\d{4}-\d{2}$/, { error: "expected a month as YYYY-MM" });

export { MAX_REQUESTED_WALLBOXES };

/** The body of an on-demand `POST`. Unknown fields are refused: a misspelt `wallboxIds` must not widen a run. */
export const runRequestSchema = z.strictObject({
  month: monthText.optional(),
  wallboxIds: z
    .array(uuid)
    .min(1, { error: "list at least one wallbox id, or leave wallboxIds out for all" })
    .max(MAX_REQUESTED_WALLBOXES, {
      error: `list at most ${MAX_REQUESTED_WALLBOXES.toLocaleString("en")} wallbox ids (the run's job carries them through every Step Functions state, 256 KiB each), or leave wallboxIds out for all`,
    })
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, { error: "a wallbox id is listed twice" })
    .optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** What the workflow is asked to do: one run, already validated and recorded as running. */
export const runJobSchema = z.object({
  runId: uuid,
  month: monthText,
  wallboxIds: z.array(uuid).optional(),
  trigger: z.enum(["schedule", "on-demand"]),
  requestedAt: z.iso.datetime(),
  /** Who started the run: the caller's IAM ARN (on demand), or the schedule. */
  requestedBy: z.string().min(1).max(2048).optional(),
  /** The timezone the month is taken in (IANA); UTC when absent. */
  timeZone: z.string().min(1).max(64).optional(),
});
export type RunJob = z.infer<typeof runJobSchema>;

const reportKeysSchema = z.object({ xlsx: z.string(), json: z.string(), manifest: z.string() });
/** The keys a finished run wrote: its report's, and the session detail's CSV file or parts. */
const writtenKeysSchema = reportKeysSchema.extend({ csv: z.array(z.string()) });
export type ReportKeys = z.infer<typeof reportKeysSchema>;

const runBase = {
  runId: uuid,
  month: monthText,
  trigger: runJobSchema.shape.trigger,
  requestedAt: z.iso.datetime(),
  requestedBy: runJobSchema.shape.requestedBy,
  manifestKey: z.string(),
};

export const runStatusSchema = z.discriminatedUnion("status", [
  /**
   * `queuedAt`: when a trigger recorded it and started its workflow (a scheduled run is requested
   * at its scheduled time, which may be long before a late delivery). `startedAt` is set once the
   * workflow's plan step has begun; before that it is queued.
   */
  z.object({ ...runBase, status: z.literal("running"), queuedAt: z.iso.datetime().optional(), startedAt: z.iso.datetime().optional() }),
  z.object({
    ...runBase,
    status: z.literal("done"),
    finishedAt: z.iso.datetime(),
    complete: z.boolean(),
    placement: z.enum(["month", "subset", "set-aside"]),
    keys: writtenKeysSchema,
    totals: manifestSchema.shape.totals,
  }),
  z.object({ ...runBase, status: z.literal("failed"), finishedAt: z.iso.datetime(), error: z.string() }),
]);
export type RunStatus = z.infer<typeof runStatusSchema>;

/**
 * What became of a finished run's report. `month`: the month's manifest names it; it is the
 * report finance reconciles. `subset`: a run over some wallboxes only, never the month's.
 * `set-aside`: a full run the month's manifest does not name, because the month has a complete
 * report and this one is incomplete, or a report read later.
 */
export type Placement = "month" | "subset" | "set-aside";

/** A run's files: under its own prefix, written once, whatever becomes of the run. */
export function runReportKeys(orgId: string, month: string, runId: string): ReportKeys & { prefix: string } {
  const prefix = `reports/${orgId}/${month}/runs/${runId}/`;
  const names = reportFileNames(month);
  return { prefix, xlsx: `${prefix}${names.xlsx}`, json: `${prefix}${names.json}`, manifest: `${prefix}${MANIFEST_FILE_NAME}` };
}

/** The month's manifest: the one object that is replaced, naming the run whose report is the month's. */
export function monthManifestKey(orgId: string, month: string): string {
  return `reports/${orgId}/${month}/${MANIFEST_FILE_NAME}`;
}

/** What every status of a run says: which run, who asked for it and when, and where its manifest will be. */
export function runStatusBase(orgId: string, job: RunJob) {
  return {
    runId: job.runId,
    month: job.month,
    trigger: job.trigger,
    requestedAt: job.requestedAt,
    ...(job.requestedBy ? { requestedBy: job.requestedBy } : {}),
    manifestKey: expectedManifestKey(orgId, job),
  };
}

/** Where a run's requester finds its manifest once it is done: the month's for a full run, its own for a subset. */
export function expectedManifestKey(orgId: string, job: Pick<RunJob, "month" | "runId" | "wallboxIds">): string {
  return job.wallboxIds ? runReportKeys(orgId, job.month, job.runId).manifest : monthManifestKey(orgId, job.month);
}

/**
 * Whether a finished full run's manifest becomes the month's: a complete report is never replaced
 * by an incomplete one; between two of the same kind, the one generated later (the later reading
 * of the API) is the month's, whichever finished last. `already`: the month names this run.
 */
export function monthManifestDecision(current: Manifest | undefined, candidate: Manifest): "replace" | "keep" | "already" {
  if (!current) return "replace";
  if (current.runId === candidate.runId) return "already";
  if (current.complete !== candidate.complete) return candidate.complete ? "replace" : "keep";
  return Date.parse(candidate.generatedAt) > Date.parse(current.generatedAt) ? "replace" : "keep";
}

/**
 * The month's lease: names the full run that holds the month. Both triggers take it before they
 * start a full run; it is free again once that run is no longer running.
 */
export function monthLeaseKey(orgId: string, month: string): string {
  return `reports/${orgId}/${month}/active-run.json`;
}

export const monthLeaseSchema = z.object({ runId: uuid, trigger: runJobSchema.shape.trigger, takenAt: z.iso.datetime() });
export type MonthLease = z.infer<typeof monthLeaseSchema>;

export function runStatusKey(orgId: string, runId: string): string {
  return `reports/${orgId}/runs/${runId}.json`;
}

export class UnknownWallboxError extends Error {
  constructor(readonly unknownIds: string[]) {
    super(`wallboxIds: not in the wallbox config: ${unknownIds.join(", ")}`);
    this.name = "UnknownWallboxError";
  }
}

/** The configured wallboxes a run covers, in config order; ids that are not configured are an error. */
export function selectWallboxes(config: ReportConfig, wallboxIds: readonly string[] | undefined): ReportConfig {
  if (!wallboxIds) return config;
  const wanted = new Set(wallboxIds.map((id) => id.toLowerCase()));
  const configured = new Set(config.wallboxes.map((wallbox) => wallbox.wallboxId.toLowerCase()));
  const unknown = wallboxIds.filter((id) => !configured.has(id.toLowerCase()));
  if (unknown.length > 0) throw new UnknownWallboxError(unknown);
  return { ...config, wallboxes: config.wallboxes.filter((wallbox) => wanted.has(wallbox.wallboxId.toLowerCase())) };
}

export interface RunTimeLimits {
  /** How long a run's workflow may take, plus a margin for writing the status. */
  maxRunMs: number;
  /** How long a started run may take to reach its plan step before it counts as never begun. */
  maxQueueMs: number;
}

/**
 * A run that still says "running" after its workflow must have ended (stopped at its time limit) or
 * after it should have begun (its plan step never started) never finished: report it as failed
 * rather than running forever.
 */
export function currentStatus(status: RunStatus, now: Date, limits: RunTimeLimits): RunStatus {
  if (status.status !== "running") return status;
  const deadline = status.startedAt
    ? Date.parse(status.startedAt) + limits.maxRunMs
    : Date.parse(status.queuedAt ?? status.requestedAt) + limits.maxQueueMs;
  if (now.getTime() <= deadline) return status;
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    ...status,
    status: "failed",
    finishedAt: new Date(deadline).toISOString(),
    error: status.startedAt
      ? `the run did not finish within ${minutes(limits.maxRunMs)} minutes; its workflow was probably stopped at its time limit (see the execution named after the run id in the Step Functions console, and the logs)`
      : `the workflow did not begin the run within ${minutes(limits.maxQueueMs)} minutes (see the execution named after the run id in the Step Functions console)`,
  };
}
