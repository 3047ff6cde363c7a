import { runJobSchema } from "@hems-reports/core/run-records";
import { planStep } from "@hems-reports/core/workflow";
import { productionDeps } from "../lib/report-deps.ts";
import { stepHandler } from "../lib/step-handler.ts";

/** The workflow's first step: records the run as running and plans its shards. */
export const createPlanHandler = stepHandler(
  "plan",
  runJobSchema,
  (job) => job,
  (job, { app, workflow }) => planStep(workflow, job, { shardSize: app.shardSize, checkCredentials: () => app.tokens.token() }),
);

export const handler = createPlanHandler(productionDeps);
