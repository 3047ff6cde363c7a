import {
  type DiscoverStepResult,
  discoverStep,
  discoverStepInputSchema,
  type ShardStepResult,
  shardStep,
  shardStepInputSchema,
} from "@hems-reports/core/cloud";
import { WallboxReadError } from "@hems-reports/core/domain/sessions";
import type { z } from "zod";
import { productionStepDeps } from "../wiring/step-deps.ts";
import { stepHandler } from "../wiring/step-handler.ts";
import { inputBy } from "../wiring/step-input.ts";

/** Reading stops this long before the invocation's end, leaving time to store the shard's result. */
export const SHARD_WRITE_RESERVE_MS = 60_000;

/** What the function reads the Partner API for: one shard's wallboxes (Shards Map), or one batch of users' wallbox lists (Discover Map). */
const readInputSchema = inputBy("batch", discoverStepInputSchema, shardStepInputSchema);

/**
 * The workflow's reading function: one shard of the Shards Map (reads its wallboxes and stores
 * its partial result once), or one batch of the Discover Map (lists its users' wallboxes and
 * stores them once). Both read the Partner API at the shard's concurrency, and stop in time.
 */
export const createShardHandler = stepHandler<z.infer<typeof readInputSchema>, ShardStepResult | DiscoverStepResult>(
  "shard",
  readInputSchema,
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
      const read = app.readDeps(stop.signal);
      const step = "batch" in input ? discoverStep(workflow, input, read) : shardStep(workflow, input, read);
      return await step.catch((error: unknown) => {
        stop.abort(error);
        throw error;
      });
    } finally {
      clearTimeout(timer);
    }
  },
  (input) => ("batch" in input ? { batch: input.batch.index + 1 } : { shard: input.shard.index + 1 }),
);

export const handler = createShardHandler(productionStepDeps);
