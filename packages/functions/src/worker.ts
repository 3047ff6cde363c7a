import { runJobSchema } from "@hems-reports/core/runs";
import { formatIssues } from "@hems-reports/core/validation";
import type { Context } from "aws-lambda";
import { executeRun } from "./lib/execute-run.ts";
import { type AppDeps, productionDeps } from "./lib/report-deps.ts";

/** Runs one on-demand report, invoked asynchronously by the on-demand function. */
export function createWorkerHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context) => {
    if (context) deps().logger.addContext(context);
    const parsed = runJobSchema.safeParse(event);
    if (!parsed.success) {
      deps().logger.error("invalid run job", { error: formatIssues(parsed.error) });
      throw new Error(`invalid run job: ${formatIssues(parsed.error)}`);
    }
    const status = await executeRun(deps(), parsed.data, { remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined });
    return { runId: status.runId, status: status.status };
  };
}

export const handler = createWorkerHandler(productionDeps);
