import { collectStep, collectStepInputSchema } from "@hems-reports/core/cloud";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** After the shards: settles their outcomes and cuts the session detail into CSV parts. */
export const createCollectHandler = stepHandler(
  "collect",
  collectStepInputSchema,
  (input) => input.job,
  (input, { app, workflow }) => collectStep(workflow, input, { csvRowsPerPart: app.csvRowsPerPart }),
);

export const handler = createCollectHandler(productionStepDeps);
