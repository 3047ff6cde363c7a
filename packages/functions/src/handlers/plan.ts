import { type PlanStepOutput, planStep, type SplitStepOutput, splitStep, splitStepInputSchema } from "@hems-reports/core/cloud";
import { runJobSchema } from "@hems-reports/core/domain/run";
import type { z } from "zod";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";
import { inputBy } from "../wiring/step-input.ts";

/** The organisation's request ends this long before the invocation does, leaving time to record why. */
export const PLAN_RESERVE_MS = 30_000;

/** The plan's two parts: the run's job (Plan), or the job with the Discover Map's outcomes (Split, which makes the shards). */
const planInputSchema = inputBy("batches", splitStepInputSchema, runJobSchema);

/**
 * The workflow's plan function. Plan: records the run as running, asks the Partner API for the
 * organisation, and plans the config's shards, or cuts the org's users into batches to list.
 * Split: the shards, once the batches' wallboxes are listed.
 */
export const createPlanHandler = stepHandler<z.infer<typeof planInputSchema>, PlanStepOutput | SplitStepOutput>(
  "plan",
  planInputSchema,
  (input) => ("job" in input ? input.job : input),
  (input, { app, workflow, context }) => {
    if ("batches" in input) return splitStep(workflow, input, { shardSize: app.shardSize });
    const remaining = context?.getRemainingTimeInMillis();
    // An API that never answers ends the request in time for the step to fail with its reason, not by Lambda's time-out.
    const deadline = remaining === undefined ? new AbortController().signal : AbortSignal.timeout(Math.max(1_000, remaining - PLAN_RESERVE_MS));
    return planStep(workflow, input, {
      shardSize: app.shardSize,
      reader: app.readDeps(deadline).reader,
      wallboxesFrom: app.settings.wallboxesFrom === "partner-api" ? { from: "partner-api", orgId: app.settings.orgId } : { from: "config" },
    });
  },
);

export const handler = createPlanHandler(productionStepDeps);
