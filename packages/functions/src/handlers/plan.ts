import { planStep } from "@hems-reports/core/cloud";
import { runJobSchema } from "@hems-reports/core/domain/run";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** The workflow's first step: records the run as running and plans its shards. */
export const createPlanHandler = stepHandler(
  "plan",
  runJobSchema,
  (job) => job,
  (job, { app, workflow }) =>
    planStep(workflow, job, {
      shardSize: app.shardSize,
      organization: (orgId) => app.readDeps(new AbortController().signal).reader.organization(orgId),
    }),
);

export const handler = createPlanHandler(productionStepDeps);
