import { detailStep, detailStepInputSchema } from "@hems-reports/core/cloud";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** One CSV part of the session detail (the second Map), with its Data quality lines. */
export const createDetailHandler = stepHandler(
  "detail",
  detailStepInputSchema,
  (input) => input.job,
  (input, { workflow }) => detailStep(workflow, input),
  (input) => ({ part: input.part.index + 1 }),
);

export const handler = createDetailHandler(productionStepDeps);
