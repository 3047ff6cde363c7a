import { planStep } from "@hems-reports/core/cloud";
import { runJobSchema } from "@hems-reports/core/domain/run";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** The organisation's request ends this long before the invocation does, leaving time to record why. */
export const PLAN_RESERVE_MS = 30_000;

/** The workflow's first step: records the run as running, asks the Partner API for the organisation, and plans its shards. */
export const createPlanHandler = stepHandler(
  "plan",
  runJobSchema,
  (job) => job,
  (job, { app, workflow, context }) => {
    const remaining = context?.getRemainingTimeInMillis();
    // An API that never answers ends the request in time for the step to fail with its reason, not by Lambda's time-out.
    const deadline = remaining === undefined ? new AbortController().signal : AbortSignal.timeout(Math.max(1_000, remaining - PLAN_RESERVE_MS));
    return planStep(workflow, job, {
      shardSize: app.shardSize,
      reader: app.readDeps(deadline).reader,
      concurrency: app.settings.discoveryConcurrency ?? app.concurrency,
      deadline,
      wallboxesFrom: app.settings.wallboxesFrom === "partner-api" ? { from: "partner-api", orgId: app.settings.orgId } : { from: "config" },
    });
  },
);

export const handler = createPlanHandler(productionStepDeps);
