import type { ReportConfig } from "../config/index.ts";
import type { RunStatus, RunTimeLimits } from "./model.ts";

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
  /** Whether the month's report (not a subset's, not a set-aside one) is complete. */
  monthHasCompleteReport(month: string): Promise<boolean>;
  /** Names the month's latest full run, so a second one can be refused while it runs. */
  recordActiveRun(month: string, runId: string): Promise<void>;
  /** The month's full run that is still running, if any. */
  runningFullRun(month: string, now: Date, limits: RunTimeLimits): Promise<RunStatus | undefined>;
}
