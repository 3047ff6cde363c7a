import { previousFullMonth } from "@hems-reports/core/month";
import { type RunJob, reportKeys } from "@hems-reports/core/run-records";
import type { Context } from "aws-lambda";
import { type BaseDeps, productionBaseDeps } from "./lib/deps.ts";
import { writeRunStatus } from "./lib/run-store.ts";

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
    const { manifest } = reportKeys(app.settings.orgId, job.month, job.runId, "month");
    const recorded = { runId: job.runId, month: job.month, trigger: job.trigger, requestedAt: job.requestedAt, manifestKey: manifest };
    await writeRunStatus(app, { ...recorded, status: "running" });
    try {
      await app.startRun(job);
    } catch (error) {
      const reason = `could not start the run: ${(error as Error).message}`;
      await writeRunStatus(app, { ...recorded, status: "failed", finishedAt: app.now().toISOString(), error: reason });
      app.logger.error("run not started", { runId: job.runId, month: job.month, error: reason });
      throw new Error(reason, { cause: error });
    }
    app.logger.info("run started", { runId: job.runId, month: job.month, trigger: job.trigger });
    return { runId: job.runId, status: "started" };
  };
}

export const handler = createScheduledHandler(productionBaseDeps);
