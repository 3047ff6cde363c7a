import { PartnerApiClient } from "@hems-reports/core/partner-api";
import { WallboxReadError } from "@hems-reports/core/sessions";
import { type ShardStepResult, shardStep, shardStepInputSchema } from "@hems-reports/core/workflow";
import type { Context } from "aws-lambda";
import { type AppDeps, productionDeps } from "../lib/report-deps.ts";
import { parseStepInput } from "../lib/step-input.ts";
import { runLogFor, workflowDeps } from "../lib/workflow-deps.ts";

/** Reading stops this long before the invocation's end, leaving time to store the shard's result. */
export const SHARD_WRITE_RESERVE_MS = 60_000;

/** One shard of the workflow's Map: reads its wallboxes and stores its partial result once. */
export function createShardHandler(deps: () => AppDeps) {
  return async (event: unknown, context?: Context): Promise<ShardStepResult> => {
    const app = deps();
    if (context) app.logger.addContext(context);
    const input = parseStepInput(shardStepInputSchema, event, "shard", app.logger);
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
      return await shardStep(workflowDeps(app, runLogFor(app, input.job)), input, {
        reader: new PartnerApiClient({ baseUrl: app.settings.apiUrl, tokens: app.tokens, http: { ...app.http, signal: stop.signal } }),
        concurrency: app.concurrency,
        deadline: stop.signal,
      }).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      });
    } finally {
      clearTimeout(timer);
    }
  };
}

export const handler = createShardHandler(productionDeps);
