import { parseMonth } from "@hems-reports/core/month";
import { PartnerApiClient, WallboxReadError } from "@hems-reports/core/partner-api";
import { publishMonthlyReport, readMonthlyReport, type WallboxProgress, withWorkFolder } from "@hems-reports/core/run";
import { placementOf, type RunJob, type RunStatus, reportKeys, selectWallboxes } from "@hems-reports/core/runs";
import { s3ReportStore } from "@hems-reports/core/s3";
import type { AppDeps } from "./report-deps.ts";
import { loadWallboxConfig, location, monthHasCompleteReport, recordActiveRun, writeRunStatus } from "./run-store.ts";

/** Reading stops this long before the invocation's end, leaving time to write an incomplete report. */
export const WRITE_RESERVE_MS = 90_000;

export interface RunLimits {
  /** Milliseconds this invocation has left (Lambda's `context.getRemainingTimeInMillis`). */
  remainingTimeMs?: () => number;
}

/**
 * One run in AWS: config from S3, credentials from the secret, the report and its manifest to S3,
 * the run's status beside them, and a log line per wallbox and at the end. Reading stops in time
 * to write an incomplete report rather than none. Throws when the run failed as a whole (after
 * recording why), so the invocation counts as an error.
 */
export async function executeRun(deps: AppDeps, job: RunJob, limits: RunLimits = {}): Promise<RunStatus> {
  const log = deps.logger.createChild({ persistentKeys: { runId: job.runId, month: job.month, trigger: job.trigger } });
  const { orgId } = deps.settings;
  const expected = reportKeys(orgId, job.month, job.runId, job.wallboxIds ? "subset" : "month");
  const base = { runId: job.runId, month: job.month, trigger: job.trigger, requestedAt: job.requestedAt, manifestKey: expected.manifest };
  const stop = new AbortController();
  const remaining = limits.remainingTimeMs?.();
  const timer =
    remaining === undefined
      ? undefined
      : setTimeout(
          () => stop.abort(new WallboxReadError("not read: the run reached its time limit before this wallbox was done")),
          Math.max(0, remaining - WRITE_RESERVE_MS),
        );
  log.info("run started", { wallboxSelection: job.wallboxIds ? job.wallboxIds.length : "all", timeLimitMs: remaining });
  try {
    await writeRunStatus(deps, { ...base, status: "running", startedAt: deps.now().toISOString() });
    if (!job.wallboxIds) await recordActiveRun(deps, job.month, job.runId);
    const config = selectWallboxes(await loadWallboxConfig(deps), job.wallboxIds);
    const window = parseMonth(job.month, deps.now());
    const { content, placement, keys, result } = await withWorkFolder(async (work) => {
      const content = await readMonthlyReport({
        config,
        work,
        window,
        generatedAt: deps.now(),
        source: `Podero Partner API at ${deps.settings.apiUrl}`,
        reader: new PartnerApiClient({ baseUrl: deps.settings.apiUrl, tokens: deps.tokens, http: { ...deps.http, signal: stop.signal } }),
        concurrency: deps.concurrency,
        deadline: stop.signal,
        onWallbox: (progress: WallboxProgress) => {
          const fields = {
            wallboxId: progress.wallbox.wallboxId,
            done: progress.done,
            of: progress.total,
            durationMs: Math.round(progress.durationMs),
          };
          if (progress.status === "ok")
            log.info("wallbox read", { ...fields, status: "ok", sessions: progress.sessions, savingsEur: progress.savingsEur });
          else log.warn("wallbox failed", { ...fields, status: "failed", error: progress.error });
        },
      }).catch((error: unknown) => {
        // A fatal error (credentials, a bug) stops the reads still in flight, too.
        stop.abort(error);
        throw error;
      });
      const complete = content.report.complete;
      const placement = placementOf(job, complete, !complete && !job.wallboxIds && (await monthHasCompleteReport(deps, orgId, job.month)));
      const keys = reportKeys(orgId, job.month, job.runId, placement);
      const result = await publishMonthlyReport(
        s3ReportStore(location(deps), keys.prefix),
        content,
        job.runId,
        placement === "subset" ? "subset" : "all",
      );
      return { content, placement, keys, result };
    });
    const complete = content.report.complete;
    const status: RunStatus = {
      ...base,
      manifestKey: keys.manifest,
      status: "done",
      finishedAt: deps.now().toISOString(),
      complete,
      placement,
      keys: { xlsx: keys.xlsx, json: keys.json, csv: result.csv.map((file) => file.key ?? file.name), manifest: keys.manifest },
      totals: result.manifest.totals,
    };
    await writeRunStatus(deps, status);
    const summary = { complete, placement, ...status.totals, manifestKey: keys.manifest };
    if (complete) log.info("run done", summary);
    else if (placement === "set-aside")
      log.error("run done, report INCOMPLETE: kept beside the complete report of the month, which stays in place", summary);
    else log.error("run done, report INCOMPLETE: some wallboxes could not be read", summary);
    return status;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error("run failed", { error: reason, errorType: error instanceof Error ? error.name : typeof error });
    await writeRunStatus(deps, { ...base, status: "failed", finishedAt: deps.now().toISOString(), error: reason }).catch((statusError: unknown) =>
      log.error("could not record the failed run's status", { error: (statusError as Error).message }),
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
