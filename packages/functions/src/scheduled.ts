import { previousFullMonth } from "@hems-reports/core/month";
import type { Context } from "aws-lambda";
import { executeRun } from "./lib/execute-run.ts";
import { type AppDeps, productionDeps } from "./lib/report-deps.ts";

/**
 * The monthly schedule: reports the previous full month for the configured org. An incomplete
 * report is written and logged as an error; a run that could not report at all throws, so the
 * invocation fails and Lambda's retries and error metrics apply.
 */
export function createScheduledHandler(deps: () => AppDeps) {
  return async (_event?: unknown, context?: Context) => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const now = app.now();
    const status = await executeRun(
      app,
      {
        runId: app.newRunId(),
        month: previousFullMonth(now).month,
        trigger: "schedule",
        requestedAt: now.toISOString(),
      },
      { remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined },
    );
    return { runId: status.runId, status: status.status };
  };
}

export const handler = createScheduledHandler(productionDeps);
