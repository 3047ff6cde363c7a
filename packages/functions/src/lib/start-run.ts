import { expectedManifestKey, type RunJob } from "@hems-reports/core/run-records";
import type { BaseDeps } from "./deps.ts";
import { recordActiveRun, writeRunStatus } from "./run-store.ts";

/** A run could not be started; its status says so already. */
export class RunNotStartedError extends Error {
  constructor(
    message: string,
    readonly runId: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RunNotStartedError";
  }
}

/**
 * Records a run as queued (and, for a full run, as its month's latest), then starts its
 * workflow; if that fails, the run's status says why before the error goes on. Both triggers
 * start runs this way. Answers where the month's manifest goes if the run completes.
 */
export async function recordAndStartRun(deps: BaseDeps, job: RunJob): Promise<{ manifestKey: string }> {
  const manifest = expectedManifestKey(deps.settings.orgId, job);
  const recorded = { runId: job.runId, month: job.month, trigger: job.trigger, requestedAt: job.requestedAt, manifestKey: manifest };
  await writeRunStatus(deps, { ...recorded, status: "running" });
  if (!job.wallboxIds) await recordActiveRun(deps, job.month, job.runId);
  try {
    await deps.startRun(job);
  } catch (error) {
    const reason = `could not start the run: ${(error as Error).message}`;
    await writeRunStatus(deps, { ...recorded, status: "failed", finishedAt: deps.now().toISOString(), error: reason });
    deps.logger.error("run not started", { runId: job.runId, month: job.month, trigger: job.trigger, error: reason });
    throw new RunNotStartedError(reason, job.runId, { cause: error });
  }
  deps.logger.info("run started", {
    runId: job.runId,
    month: job.month,
    trigger: job.trigger,
    wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all",
  });
  return { manifestKey: manifest };
}
