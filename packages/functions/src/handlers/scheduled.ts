import { RunNotStartedError, scheduleEventSchema, startScheduledRun } from "@hems-reports/core/cloud";
import type { Context } from "aws-lambda";
import { startDeps } from "../wiring/core-ports.ts";
import { parseStepInput } from "../wiring/step-input.ts";
import { productionTriggerDeps, type TriggerDeps } from "../wiring/trigger-deps.ts";

/**
 * The schedules (monthly, and the catch-up a few days later): start the report workflow for the
 * month that ended before the scheduled time, at most once per schedule and month. The workflow
 * does the work; this only starts it, and throws when it cannot, so the scheduler's retries, its
 * dead-letter queue and Lambda's error metrics apply.
 */
export function createScheduledHandler(deps: () => TriggerDeps) {
  return async (event: unknown, context?: Context) => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const schedule = parseStepInput(scheduleEventSchema, event, "schedule", app.logger);
    const outcome = await startScheduledRun(startDeps(app), schedule).catch((error: unknown) => {
      if (error instanceof RunNotStartedError) app.logger.error("scheduled run not started", { error: error.message });
      throw error;
    });
    const fields = { runId: outcome.runId, month: outcome.month, schedule: schedule.kind, scheduledTime: schedule.scheduledTime };
    if (outcome.status === "already started") app.logger.info("scheduled run started before: a repeated delivery, nothing to do", fields);
    else if (outcome.status === "busy")
      app.logger.info("another full run of the month is running: nothing to do", { ...fields, holder: outcome.holder.runId });
    else if (outcome.status === "not needed")
      app.logger.info("the month has a complete report: nothing to catch up", { ...fields, monthRunId: outcome.monthRunId });
    return { runId: outcome.runId, month: outcome.month, status: outcome.status };
  };
}

export const handler = createScheduledHandler(productionTriggerDeps);
