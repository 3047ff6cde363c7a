import { createInterface } from "node:readline";
import { ConfigError, parseConfigLines, parseReportConfigText, type ReportConfig, unknownWallboxIds } from "../../../domain/config/index.ts";
import { manifestSchema } from "../../../domain/report/index.ts";
import { monthLeaseKey, monthLeaseSchema, monthManifestKey, runReportKeys, runStatusKey, runStatusSchema } from "../../../domain/run/index.ts";
import { linesOf, parseRecord, type RunRecords } from "../../../ports/index.ts";
import { conditionRefused, openObject, putObject, readObjectTagged, readObjectText, type S3Location, S3ObjectError } from "./objects.ts";

/** The run records as small objects in the reports bucket. */
export function s3RunRecords(location: S3Location, where: { orgId: string; configKey: string }): RunRecords {
  const { orgId, configKey } = where;
  const putJson = (key: string, value: unknown, pretty = true) =>
    putObject(location, key, Buffer.from(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`), "application/json");
  const readStatus = async (runId: string) => {
    const text = await readObjectText(location, runStatusKey(orgId, runId));
    return text === undefined ? undefined : runStatusSchema.parse(JSON.parse(text));
  };
  /**
   * Replaces `key` only if it is still the version tagged `etag`, or creates it only if there is
   * none: false when another writer got there first (412; 409 while its write is under way; 404
   * for an If-Match on an object that is gone).
   */
  const putConditionally = async (key: string, text: string, etag: string | undefined): Promise<boolean> => {
    try {
      await putObject(location, key, Buffer.from(text), "application/json", undefined, etag ? { ifMatch: etag } : { ifNoneMatch: "*" });
      return true;
    } catch (error) {
      // (Only a missing object: a missing bucket is an error to report, not a race lost.)
      if (conditionRefused(error, key) || (error instanceof S3ObjectError && (error.cause as { name?: string } | undefined)?.name === "NoSuchKey"))
        return false;
      throw error;
    }
  };
  // The JSON Lines config (for large orgs), when there is one, is read a line at a time.
  const linesKey = `${configKey}l`;
  const url = (key: string) => `s3://${location.bucket}/${key}`;
  /** Runs `use` over the JSON Lines config's lines; undefined when there is none. The stream is closed either way. */
  const withLines = async <T>(use: (lines: AsyncIterable<string>) => Promise<T>): Promise<T | undefined> => {
    const stream = await openObject(location, linesKey);
    if (!stream) return undefined;
    try {
      return await use(createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }));
    } finally {
      stream.destroy();
    }
  };
  const checkOrg = (config: ReportConfig, source: string) => {
    if (config.orgId.toLowerCase() !== orgId.toLowerCase()) {
      throw new ConfigError(`invalid wallbox config ${source}: orgId: ${config.orgId} is not this stage's org ${orgId}`);
    }
    return config;
  };
  const loadConfig = async () => {
    const fromLines = await withLines((lines) => parseConfigLines(lines, url(linesKey)));
    if (fromLines) return checkOrg(fromLines, url(linesKey));
    const text = await readObjectText(location, configKey);
    if (text === undefined) {
      throw new ConfigError(`the wallbox config ${url(configKey)} (or ${url(linesKey)}) does not exist: upload it (see docs/operations.md, Deploy)`);
    }
    return checkOrg(parseReportConfigText(text, url(configKey)), url(configKey));
  };
  return {
    loadConfig,
    async unknownWallboxIds(wallboxIds) {
      const unknown = await withLines((lines) => unknownWallboxIds(lines, url(linesKey), wallboxIds));
      if (unknown) return unknown;
      const configured = new Set((await loadConfig()).wallboxes.map((wallbox) => wallbox.wallboxId.toLowerCase()));
      return wallboxIds.filter((id) => !configured.has(id.toLowerCase()));
    },
    async writeStatus(status) {
      await putJson(runStatusKey(orgId, status.runId), runStatusSchema.parse(status));
    },
    readStatus,
    async readMonthManifest(month) {
      const key = monthManifestKey(orgId, month);
      const read = await readObjectTagged(location, key);
      return read && { manifest: parseRecord(manifestSchema, read.text, url(key)), etag: read.etag };
    },
    replaceMonthManifest: (month, manifest, etag) =>
      putConditionally(monthManifestKey(orgId, month), `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`, etag),
    async openRunFileLines(month, runId, name) {
      const stream = await openObject(location, `${runReportKeys(orgId, month, runId).prefix}${name}`);
      return stream && linesOf(stream);
    },
    async readMonthLease(month) {
      const key = monthLeaseKey(orgId, month);
      const read = await readObjectTagged(location, key);
      return read && { lease: parseRecord(monthLeaseSchema, read.text, url(key)), etag: read.etag };
    },
    writeMonthLease: (month, lease, etag) =>
      putConditionally(monthLeaseKey(orgId, month), `${JSON.stringify(monthLeaseSchema.parse(lease))}\n`, etag),
  };
}
