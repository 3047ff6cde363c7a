import { mergeStep, mergeStepInputSchema } from "@hems-reports/core/workflow";
import type { Context } from "aws-lambda";
import { recordRunMetrics } from "../lib/metrics.ts";
import { type AppDeps, productionDeps } from "../lib/report-deps.ts";
import { parseStepInput } from "../lib/step-input.ts";
import { runLogFor, workflowDeps } from "../lib/workflow-deps.ts";

/** The workflow's last step: the report from the shards' results, published with its manifest last. */
export function createMergeHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context) => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const input = parseStepInput(mergeStepInputSchema, event, "merge", app.logger);
    const status = await mergeStep({ ...workflowDeps(app, runLogFor(app, input.job)), ...(app.finance ? { finance: app.finance } : {}) }, input);
    recordRunMetrics(status);
    return { runId: status.runId, status: status.status, ...(status.status === "done" ? { complete: status.complete } : {}) };
  };
}

export const handler = createMergeHandler(productionDeps);
