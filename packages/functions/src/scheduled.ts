import { previousFullMonth } from "@hems-reports/core/month";
import type { RunJob } from "@hems-reports/core/run-records";
import type { Context } from "aws-lambda";
import { type BaseDeps, productionBaseDeps } from "./lib/deps.ts";
import { recordAndStartRun } from "./lib/start-run.ts";

/**
 * The monthly schedule: starts the report workflow for the previous full month. The workflow
 * does the work (and records how it went in the run's status); this only starts it, and throws
 * when it cannot, so the scheduler's retries and Lambda's error metrics apply.
 */
export function createScheduledHandler(deps: () => BaseDeps) {
  return async (_event?: unknown, context?: Context) => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const now = app.now();
    const job: RunJob = { runId: app.newRunId(), month: previousFullMonth(now).month, trigger: "schedule", requestedAt: now.toISOString() };
    await recordAndStartRun(app, job);
    return { runId: job.runId, status: "started" };
  };
}

export const handler = createScheduledHandler(productionBaseDeps);
