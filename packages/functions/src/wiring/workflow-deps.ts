import type { Logger } from "@aws-lambda-powertools/logger";
import { s3ReportStore, s3WorkStore } from "@hems-reports/core/adapters/aws/s3";
import type { RunLog, WorkflowDeps } from "@hems-reports/core/cloud";
import type { RunJob } from "@hems-reports/core/domain/run";
import type { BaseDeps } from "./deps.ts";
import { location, runRecords } from "./run-store.ts";

/** Where a run's plan and partial results live in the bucket; expired with the bucket's lifecycle. */
export const workPrefix = (orgId: string, runId: string) => `work/${orgId}/${runId}/`;

/** Powertools' Logger as the steps' log. */
export function runLog(logger: Logger): RunLog {
  const line = (write: (message: string, fields: Record<string, unknown>) => void) => (message: string, fields?: Record<string, unknown>) =>
    write(message, fields ?? {});
  return { info: line(logger.info.bind(logger)), warn: line(logger.warn.bind(logger)), error: line(logger.error.bind(logger)) };
}

/** The log of one run: every line names the run, its month and its trigger. */
export function runLogFor(deps: BaseDeps, job: RunJob): RunLog {
  return runLog(deps.logger.createChild({ persistentKeys: { runId: job.runId, month: job.month, trigger: job.trigger } }));
}

/** The cloud run's steps, wired to this stage's bucket. */
export function workflowDeps(deps: BaseDeps, log: RunLog = runLog(deps.logger)): WorkflowDeps {
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
