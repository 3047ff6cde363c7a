import { RunRecordsError } from "../shared/errors/index.ts";

export { RunRecordsError } from "../shared/errors/index.ts";

import type { z } from "zod";
import type { ReportConfig } from "../domain/config/index.ts";
import type { Manifest } from "../domain/report/index.ts";
import type { MonthLease, RunStatus } from "../domain/run/index.ts";

/**
 * The small records beside the reports: the wallbox config, run statuses, the month's manifest
 * and its latest full run. The cloud run's steps use this port; `s3RunRecords` is the adapter.
 */
export interface RunRecords {
  /** The wallbox config; a missing or invalid one is a `ConfigError` naming where it was looked for. */
  loadConfig(): Promise<ReportConfig>;
  /** Which of these wallbox ids the config does not list (without holding a large config in memory). */
  unknownWallboxIds(wallboxIds: readonly string[]): Promise<string[]>;
  writeStatus(status: RunStatus): Promise<void>;
  readStatus(runId: string): Promise<RunStatus | undefined>;
  /** The month's manifest and its version tag (ETag), or undefined while the month has none. */
  readMonthManifest(month: string): Promise<{ manifest: Manifest; etag: string } | undefined>;
  /**
   * Makes `manifest` the month's, only if the month's manifest is still the one tagged `etag` (or
   * there is still none, when `etag` is undefined): false, and nothing changed, if it was
   * replaced meanwhile. The check and the write are one step (S3 conditional writes).
   */
  replaceMonthManifest(month: string, manifest: Manifest, etag: string | undefined): Promise<boolean>;
  /** A file a run kept beside its report (its wallbox figures), a line at a time; undefined when there is none. */
  openRunFileLines(month: string, runId: string, name: string): Promise<AsyncGenerator<string> | undefined>;
  /** The month's lease and its version tag, or undefined while no full run ever took it. */
  readMonthLease(month: string): Promise<{ lease: MonthLease; etag: string } | undefined>;
  /** Takes the month's lease, only if it is still the version tagged `etag` (or still absent): false, and nothing changed, otherwise. */
  writeMonthLease(month: string, lease: MonthLease, etag: string | undefined): Promise<boolean>;
}

/** A record's JSON, checked against its schema; `where` names it in the error. */
export function parseRecord<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunRecordsError(`${where} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RunRecordsError(`${where} is not what this version writes: ${parsed.error.message}`, { cause: parsed.error });
  return parsed.data;
}
