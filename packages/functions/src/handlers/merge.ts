import { mergeStep, mergeStepInputSchema } from "@hems-reports/core/cloud";
import { recordRunMetrics } from "../wiring/metrics.ts";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** The workflow's last step: the report from the shards' results, published with its manifest last. */
export const createMergeHandler = stepHandler(
  "merge",
  mergeStepInputSchema,
  (input) => input.job,
  async (input, { app, workflow }) => {
    const status = await mergeStep({ ...workflow, ...(app.finance ? { finance: app.finance } : {}) }, input);
    recordRunMetrics(status);
    return { runId: status.runId, status: status.status, ...(status.status === "done" ? { complete: status.complete } : {}) };
  },
);

export const handler = createMergeHandler(productionStepDeps);
