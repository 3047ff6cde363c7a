import { PartnerApiClient, WallboxReadError } from "@hems-reports/core/partner-api";
import type { RunJob, RunStatus } from "@hems-reports/core/runs";
import { runAllSteps } from "@hems-reports/core/workflow";
import type { AppDeps } from "./report-deps.ts";
import { runLog, workflowDeps } from "./workflow-deps.ts";

/** Reading stops this long before the invocation's end, leaving time to write an incomplete report. */
export const WRITE_RESERVE_MS = 90_000;

export interface RunLimits {
  /** Milliseconds this invocation has left (Lambda's `context.getRemainingTimeInMillis`). */
  remainingTimeMs?: () => number;
}

/**
 * One run in one invocation: plan, every shard, merge and publish (`runAllSteps`, the steps the
 * state machine runs one by one), with the run's status beside the report and a log line per
 * wallbox and at the end. Reading stops in time to write an incomplete report rather than none.
 * Throws when the run failed as a whole (after recording why), so the invocation counts as an error.
 */
export async function executeRun(deps: AppDeps, job: RunJob, limits: RunLimits = {}): Promise<RunStatus> {
  const log = deps.logger.createChild({ persistentKeys: { runId: job.runId, month: job.month, trigger: job.trigger } });
  const stop = new AbortController();
  const remaining = limits.remainingTimeMs?.();
  const timer =
    remaining === undefined
      ? undefined
      : setTimeout(
          () => stop.abort(new WallboxReadError("not read: the run reached its time limit before this wallbox was done")),
          Math.max(0, remaining - WRITE_RESERVE_MS),
        );
  log.info("run invoked", { timeLimitMs: remaining });
  try {
    return await runAllSteps(workflowDeps(deps, runLog(log)), job, {
      reader: new PartnerApiClient({ baseUrl: deps.settings.apiUrl, tokens: deps.tokens, http: { ...deps.http, signal: stop.signal } }),
      concurrency: deps.concurrency,
      deadline: stop.signal,
      shardSize: deps.shardSize,
    }).catch((error: unknown) => {
      // A fatal error (credentials, a bug) stops the reads still in flight, too.
      stop.abort(error);
      throw error;
    });
  } finally {
    clearTimeout(timer);
  }
}
