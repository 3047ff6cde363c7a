import { shardStep, shardStepInputSchema } from "@hems-reports/core/cloud";
import { WallboxReadError } from "@hems-reports/core/domain/sessions";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";

/** Reading stops this long before the invocation's end, leaving time to store the shard's result. */
export const SHARD_WRITE_RESERVE_MS = 60_000;

/** One shard of the workflow's Map: reads its wallboxes and stores its partial result once. */
export const createShardHandler = stepHandler(
  "shard",
  shardStepInputSchema,
  (input) => input.job,
  async (input, { app, workflow, context }) => {
    const stop = new AbortController();
    const remaining = context?.getRemainingTimeInMillis();
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(
            () => stop.abort(new WallboxReadError("not read: the shard reached its time limit before this wallbox was done")),
            Math.max(0, remaining - SHARD_WRITE_RESERVE_MS),
          );
    try {
      return await shardStep(workflow, input, app.readDeps(stop.signal)).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      });
    } finally {
      clearTimeout(timer);
    }
  },
  (input) => ({ shard: input.shard.index + 1 }),
);

export const handler = createShardHandler(productionStepDeps);
