import { runJobSchema } from "@hems-reports/core/run-records";
import { type PlanStepOutput, planStep } from "@hems-reports/core/workflow";
import type { Context } from "aws-lambda";
import { type AppDeps, productionDeps } from "../lib/report-deps.ts";
import { parseStepInput } from "../lib/step-input.ts";
import { runLogFor, workflowDeps } from "../lib/workflow-deps.ts";

/** The workflow's first step: records the run as running and plans its shards. */
export function createPlanHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context): Promise<PlanStepOutput> => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const job = parseStepInput(runJobSchema, event, "plan", app.logger);
    return planStep(workflowDeps(app, runLogFor(app, job)), job, { shardSize: app.shardSize, checkCredentials: () => app.tokens.token() });
  };
}

export const handler = createPlanHandler(productionDeps);
