import type { Logger } from "@aws-lambda-powertools/logger";
import { type S3Location, s3ReportStore, s3RunRecords, s3WorkStore } from "@hems-reports/core/adapters/aws/s3";
import type { RunLog, StartDeps, WorkflowDeps } from "@hems-reports/core/cloud";
import type { RunJob } from "@hems-reports/core/domain/run";
import type { RunRecords } from "@hems-reports/core/ports";
import type { TriggerDeps } from "./trigger-deps.ts";

/* The core's ports, wired to this stage's bucket and workflow: the run records, the cloud run's steps, starting runs. */

/** The reports bucket of this stage. */
export const location = (deps: TriggerDeps): S3Location => ({ client: deps.s3, bucket: deps.settings.bucket });

/** The run records (config, statuses, manifests, the month's lease) of this stage, in its bucket. */
export const runRecords = (deps: TriggerDeps): RunRecords => s3RunRecords(location(deps), deps.settings);

/**
 * The limits after which a run that still says "running" has died. A workflow stopped at its time
 * limit may have a step still running (up to 15 minutes, Lambda's limit), so the run's limit has
 * that margin and a minute more; queueing has a minute's margin.
 */
export function runTimeLimits(deps: TriggerDeps) {
  return { maxRunMs: (deps.settings.maxRunMinutes + 16) * 60_000, maxQueueMs: (deps.settings.maxQueueMinutes + 1) * 60_000 };
}

/** Where a run's plan and partial results live in the bucket; expired with the bucket's lifecycle. */
export const workPrefix = (orgId: string, runId: string) => `work/${orgId}/${runId}/`;

/** Powertools' Logger as the steps' log. */
export function runLog(logger: Logger): RunLog {
  const line = (write: (message: string, fields: Record<string, unknown>) => void) => (message: string, fields?: Record<string, unknown>) =>
    write(message, fields ?? {});
  return { info: line(logger.info.bind(logger)), warn: line(logger.warn.bind(logger)), error: line(logger.error.bind(logger)) };
}

/** The log of one run: every line names the run, its month and its trigger. */
export function runLogFor(deps: TriggerDeps, job: RunJob): RunLog {
  return runLog(deps.logger.createChild({ persistentKeys: { runId: job.runId, month: job.month, trigger: job.trigger } }));
}

/** The cloud run's steps, wired to this stage's bucket. */
export function workflowDeps(deps: TriggerDeps, log: RunLog = runLog(deps.logger)): WorkflowDeps {
  const { orgId } = deps.settings;
  return {
    orgId,
    records: runRecords(deps),
    workStore: (runId) => s3WorkStore(location(deps), workPrefix(orgId, runId)),
    reportStore: (prefix) => s3ReportStore(location(deps), prefix),
    source: `Podero Partner API at ${deps.settings.apiUrl}`,
    ...(deps.settings.orgLabel ? { orgLabel: deps.settings.orgLabel } : {}),
    now: deps.now,
    log,
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
  };
}

/** Starting runs, wired to this stage's bucket and workflow. */
export function startDeps(deps: TriggerDeps): StartDeps {
  return {
    orgId: deps.settings.orgId,
    timeZone: deps.settings.timeZone,
    records: runRecords(deps),
    startWorkflow: deps.startRun,
    async workflowRunning(runId) {
      const execution = await deps.describeRun(runId);
      return execution && ["RUNNING", "PENDING_REDRIVE"].includes(execution.status);
    },
    now: deps.now,
    limits: runTimeLimits(deps),
    log: runLog(deps.logger),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
  };
}
