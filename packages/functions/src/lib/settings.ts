import { RunStopError } from "@hems-reports/core/errors";
import { formatIssues, httpUrl } from "@hems-reports/core/validation";
import { Resource } from "sst";
import { z } from "zod";

/** What a deployed function needs to know, from the resources linked to it (see infra/report.ts). */
export const settingsSchema = z.object({
  bucket: z.string().min(1),
  /** Only the report functions are linked to the secret; the on-demand function never reads it. */
  secretArn: z.string().min(1).optional(),
  apiUrl: httpUrl("apiUrl"),
  tokenUrl: httpUrl("tokenUrl"),
  orgId: z.guid({ error: "invalid uuid" }),
  configKey: z.string().min(1),
  /** Only the on-demand function is linked to the worker (a function cannot link itself). */
  workerFunctionName: z.string().min(1).optional(),
  /** How long the worker may run (its Lambda timeout): a run still "running" after this has died. */
  maxRunMinutes: z.number().int().positive(),
  /** How long a run request may wait in Lambda's queue for the worker (its maximum event age). */
  maxQueueMinutes: z.number().int().positive(),
});
export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SettingsError";
  }
}

function linkedOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Reads the linked resources (`Resource` from sst reads the SST_RESOURCE_* variables once). */
export function settingsFromResource(): Settings {
  let raw: unknown;
  try {
    raw = {
      bucket: Resource.ReportStore.name,
      secretArn: linkedOrUndefined(() => Resource.PoderoApiSecret.arn),
      apiUrl: Resource.ReportSettings.apiUrl,
      tokenUrl: Resource.ReportSettings.tokenUrl,
      orgId: Resource.ReportSettings.orgId,
      configKey: Resource.ReportSettings.configKey,
      maxRunMinutes: Resource.ReportSettings.maxRunMinutes,
      maxQueueMinutes: Resource.ReportSettings.maxQueueMinutes,
      workerFunctionName: linkedOrUndefined(() => Resource.ReportWorker.name),
    };
  } catch (error) {
    throw new SettingsError(`a linked resource is missing: ${(error as Error).message}`, { cause: error });
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new SettingsError(`the stage settings are invalid: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
