import { ConfigError, parseReportConfigText, type ReportConfig } from "@hems-reports/core/config";
import { manifestSchema } from "@hems-reports/core/report";
import { activeRunKey, activeRunSchema, currentStatus, type RunStatus, reportKeys, runStatusKey, runStatusSchema } from "@hems-reports/core/runs";
import { putObject, readObjectText, type S3Location } from "@hems-reports/core/s3";
import type { BaseDeps } from "./deps.ts";

/**
 * The small objects beside the reports: the wallbox config, run statuses, the month's manifest.
 * Kept apart from the report run so the on-demand function does not load the workbook writer.
 */
export const location = (deps: BaseDeps): S3Location => ({ client: deps.s3, bucket: deps.settings.bucket });

/** The wallbox config object; a missing or invalid one fails the run before any request, naming the key. */
export async function loadWallboxConfig(deps: BaseDeps): Promise<ReportConfig> {
  const { bucket, configKey, orgId } = deps.settings;
  const source = `s3://${bucket}/${configKey}`;
  const text = await readObjectText(location(deps), configKey);
  if (text === undefined) throw new ConfigError(`the wallbox config ${source} does not exist: upload it (see README, Deploy)`);
  const config = parseReportConfigText(text, source);
  if (config.orgId.toLowerCase() !== orgId.toLowerCase()) {
    throw new ConfigError(`invalid wallbox config ${source}: orgId: ${config.orgId} is not this stage's org ${orgId}`);
  }
  return config;
}

export async function writeRunStatus(deps: BaseDeps, status: RunStatus): Promise<void> {
  const body = `${JSON.stringify(runStatusSchema.parse(status), null, 2)}\n`;
  await putObject(location(deps), runStatusKey(deps.settings.orgId, status.runId), Buffer.from(body), "application/json");
}

export async function readRunStatus(deps: BaseDeps, runId: string): Promise<RunStatus | undefined> {
  const text = await readObjectText(location(deps), runStatusKey(deps.settings.orgId, runId));
  return text === undefined ? undefined : runStatusSchema.parse(JSON.parse(text));
}

export async function monthHasCompleteReport(deps: BaseDeps, orgId: string, month: string): Promise<boolean> {
  const text = await readObjectText(location(deps), reportKeys(orgId, month, "", "month").manifest);
  if (text === undefined) return false;
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  return parsed.success && parsed.data.complete;
}

/** The limits after which a run that still says "running" has died; a minute's margin on each. */
export function runTimeLimits(deps: BaseDeps) {
  return { maxRunMs: (deps.settings.maxRunMinutes + 1) * 60_000, maxQueueMs: (deps.settings.maxQueueMinutes + 1) * 60_000 };
}

export async function recordActiveRun(deps: BaseDeps, month: string, runId: string): Promise<void> {
  const body = `${JSON.stringify(activeRunSchema.parse({ runId }))}\n`;
  await putObject(location(deps), activeRunKey(deps.settings.orgId, month), Buffer.from(body), "application/json");
}

/** The month's full run that is still running, if any. */
export async function runningFullRun(deps: BaseDeps, month: string): Promise<RunStatus | undefined> {
  const text = await readObjectText(location(deps), activeRunKey(deps.settings.orgId, month));
  if (text === undefined) return undefined;
  const active = activeRunSchema.safeParse(JSON.parse(text));
  if (!active.success) return undefined;
  const status = await readRunStatus(deps, active.data.runId);
  if (!status) return undefined;
  const current = currentStatus(status, deps.now(), runTimeLimits(deps));
  return current.status === "running" ? current : undefined;
}
