import { type DetailStepResult, detailStep, detailStepInputSchema } from "@hems-reports/core/workflow";
import type { Context } from "aws-lambda";
import { type AppDeps, productionDeps } from "../lib/report-deps.ts";
import { parseStepInput } from "../lib/step-input.ts";
import { runLogFor, workflowDeps } from "../lib/workflow-deps.ts";

/** One CSV part of the session detail (the second Map), with its Data quality lines. */
export function createDetailHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context): Promise<DetailStepResult> => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const input = parseStepInput(detailStepInputSchema, event, "detail", app.logger);
    return detailStep(workflowDeps(app, runLogFor(app, input.job)), input);
  };
}

export const handler = createDetailHandler(productionDeps);
