import { type CollectStepOutput, collectStep, collectStepInputSchema } from "@hems-reports/core/workflow";
import type { Context } from "aws-lambda";
import { type AppDeps, productionDeps } from "../lib/report-deps.ts";
import { parseStepInput } from "../lib/step-input.ts";
import { runLogFor, workflowDeps } from "../lib/workflow-deps.ts";

/** After the shards: settles their outcomes and cuts the session detail into CSV parts. */
export function createCollectHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context): Promise<CollectStepOutput> => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const input = parseStepInput(collectStepInputSchema, event, "collect", app.logger);
    return collectStep(workflowDeps(app, runLogFor(app, input.job)), input, { csvRowsPerPart: app.csvRowsPerPart });
  };
}

export const handler = createCollectHandler(productionDeps);
