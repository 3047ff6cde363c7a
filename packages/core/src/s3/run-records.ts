import { ConfigError, parseReportConfigText } from "../config/index.ts";
import { manifestSchema } from "../report/manifest.ts";
import { activeRunKey, activeRunSchema, currentStatus, type RunRecords, reportKeys, runStatusKey, runStatusSchema } from "../runs/index.ts";
import { putObject, readObjectText, type S3Location } from "./report-store.ts";

/** The run records as small objects in the reports bucket. */
export function s3RunRecords(location: S3Location, where: { orgId: string; configKey: string }): RunRecords {
  const { orgId, configKey } = where;
  const putJson = (key: string, value: unknown, pretty = true) =>
    putObject(location, key, Buffer.from(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`), "application/json");
  const readStatus = async (runId: string) => {
    const text = await readObjectText(location, runStatusKey(orgId, runId));
    return text === undefined ? undefined : runStatusSchema.parse(JSON.parse(text));
  };
  return {
    async loadConfig() {
      const source = `s3://${location.bucket}/${configKey}`;
      const text = await readObjectText(location, configKey);
      if (text === undefined) throw new ConfigError(`the wallbox config ${source} does not exist: upload it (see README, Deploy)`);
      const config = parseReportConfigText(text, source);
      if (config.orgId.toLowerCase() !== orgId.toLowerCase()) {
        throw new ConfigError(`invalid wallbox config ${source}: orgId: ${config.orgId} is not this stage's org ${orgId}`);
      }
      return config;
    },
    async writeStatus(status) {
      await putJson(runStatusKey(orgId, status.runId), runStatusSchema.parse(status));
    },
    readStatus,
    async monthHasCompleteReport(month) {
      const text = await readObjectText(location, reportKeys(orgId, month, "", "month").manifest);
      if (text === undefined) return false;
      const parsed = manifestSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.complete;
    },
    async recordActiveRun(month, runId) {
      await putJson(activeRunKey(orgId, month), activeRunSchema.parse({ runId }), false);
    },
    async runningFullRun(month, now, limits) {
      const text = await readObjectText(location, activeRunKey(orgId, month));
      if (text === undefined) return undefined;
      const active = activeRunSchema.safeParse(JSON.parse(text));
      if (!active.success) return undefined;
      const status = await readStatus(active.data.runId);
      if (!status) return undefined;
      const current = currentStatus(status, now, limits);
      return current.status === "running" ? current : undefined;
    },
  };
}
