import { createHash } from "node:crypto";
import { alertSafely, type OperatorAlerts } from "../domain/alerts/index.ts";
import { type MonthLease, type RunJob, RunRecordsError, type RunStatus, type RunTimeLimits, runStatusBase } from "../domain/run/index.ts";
import type { RunRecords } from "../ports/index.ts";
import type { RunLog } from "./contract.ts";
import { settledStatus } from "./stuck-runs.ts";

/** What starting a run touches: the run records, the workflow, the clock. */
export interface StartDeps {
  orgId: string;
  /** The timezone the org's months are taken in (IANA). */
  timeZone: string;
  records: RunRecords;
  /** Starts the run's workflow without waiting for it (an execution named by the run id). */
  startWorkflow(job: RunJob): Promise<void>;
  /** Whether a run's workflow is still running; undefined when that cannot be told (no execution yet). */
  workflowRunning?(runId: string): Promise<boolean | undefined>;
  now(): Date;
  limits: RunTimeLimits;
  log: RunLog;
  alerts?: OperatorAlerts;
}

/** A run could not be started; its status says so already. */
export class RunNotStartedError extends Error {
  constructor(
    message: string,
    readonly runId: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RunNotStartedError";
  }
}

export type StartOutcome =
  | { status: "started"; manifestKey: string }
  /** This run was started before (a repeated delivery of the same event): nothing was done. */
  | { status: "already started"; existing: RunStatus }
  /** Another full run of the month holds the month's lease while it runs: nothing was done. */
  | { status: "busy"; holder: MonthLease };

/** How a run's status begins when its workflow could not be started. */
const NOT_STARTED = "could not start the run";

/** How often the lease may change under a trigger before it gives up (each change is another trigger's). */
const MAX_TRIES = 10;

/**
 * Starts a run, at most once: a run id that has a status already is not started again, and a full
 * run first takes the month's lease, so two full runs of a month never run at once (the second
 * answers `busy`). Then it records the run as queued and starts its workflow; if that fails, the
 * run's status says why.
 */
export async function startRun(deps: StartDeps, job: RunJob): Promise<StartOutcome> {
  const existing = await deps.records.readStatus(job.runId);
  // A repeated delivery does nothing, unless the first could not start the run: then it starts it
  // (the workflow refuses a second execution of a run, and takes a repeated start of the same one).
  if (existing && !(await neverStarted(deps, existing))) return { status: "already started", existing };
  if (!job.wallboxIds) {
    const holder = await takeMonthLease(deps, job);
    if (holder) return { status: "busy", holder };
  }
  const recorded = runStatusBase(deps.orgId, job);
  const { manifestKey } = recorded;
  await deps.records.writeStatus({ ...recorded, status: "running", queuedAt: deps.now().toISOString() });
  try {
    await deps.startWorkflow(job);
  } catch (error) {
    const reason = `${NOT_STARTED}: ${(error as Error).message}`;
    await deps.records.writeStatus({ ...recorded, status: "failed", finishedAt: deps.now().toISOString(), error: reason });
    deps.log.error("run not started", { runId: job.runId, month: job.month, trigger: job.trigger, error: reason });
    await alertSafely(deps.alerts, { month: job.month, runId: job.runId, what: "run NOT STARTED", reason }, deps.log);
    throw new RunNotStartedError(reason, job.runId, { cause: error });
  }
  deps.log.info("run started", {
    runId: job.runId,
    month: job.month,
    trigger: job.trigger,
    wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all",
  });
  return { status: "started", manifestKey };
}

/**
 * Takes the month's lease for `job`, atomically (a conditional write on the lease's version), and
 * answers undefined; or answers the lease of another full run that is still running. A lease is
 * free once its run is no longer running: done, failed, past its time limit, or its workflow
 * ended. A lease whose run has no status yet (its trigger is between the two writes) is held for
 * as long as a run may take to be queued.
 */
export async function takeMonthLease(deps: StartDeps, job: RunJob): Promise<MonthLease | undefined> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const current = await deps.records.readMonthLease(job.month);
    if (current?.lease.runId === job.runId) return undefined;
    if (current && (await stillRunning(deps, current.lease))) return current.lease;
    const lease: MonthLease = { runId: job.runId, trigger: job.trigger, takenAt: deps.now().toISOString() };
    if (await deps.records.writeMonthLease(job.month, lease, current?.etag)) return undefined;
  }
  throw new RunRecordsError(`the lease of ${job.month} changed ${MAX_TRIES} times while run ${job.runId} tried to take it: too many starts at once`);
}

/** A run whose trigger recorded it but could not start its workflow, or died before it did. */
async function neverStarted(deps: StartDeps, status: RunStatus): Promise<boolean> {
  if (status.status === "failed") return status.error.startsWith(NOT_STARTED);
  if (status.status !== "running" || status.startedAt) return false;
  return (await workflowState(deps, status.runId)) === undefined;
}

/**
 * Whether a run's workflow is running; undefined when Step Functions cannot tell. A refusal (a
 * missing permission) is logged, never silently taken for "no answer": it would leave a dead
 * run's lease held for as long as a run may take.
 */
async function workflowState(deps: StartDeps, runId: string): Promise<boolean | undefined> {
  try {
    return await deps.workflowRunning?.(runId);
  } catch (error) {
    deps.log.warn("Step Functions could not tell whether the run's workflow is running", {
      runId,
      errorType: (error as Error).name,
      error: (error as Error).message,
    });
    return undefined;
  }
}

async function stillRunning(deps: StartDeps, lease: MonthLease): Promise<boolean> {
  const now = deps.now();
  const status = await deps.records.readStatus(lease.runId);
  if (!status) return now.getTime() - Date.parse(lease.takenAt) <= deps.limits.maxQueueMs;
  if (status.status !== "running") return false;
  // Its workflow's state, where it can be told: running, or ended (without recording a result).
  const workflow = await workflowState(deps, lease.runId);
  if (workflow !== undefined) return workflow;
  return (await settledStatus(deps, status)).status === "running";
}

/**
 * A run id made from what identifies a run (org, month, what started it), the same every time:
 * a scheduled event delivered twice starts one run. Shaped as a UUID (version 8, name-based).
 */
export function derivedRunId(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join("");
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
