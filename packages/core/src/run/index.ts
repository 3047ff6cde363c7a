export {
  CONTENT_TYPES,
  DEFAULT_SESSION_ROW_LIMIT,
  type ReadInput,
  type ReportContent,
  type ReportFiles,
  type RunInput,
  type RunResult,
  readMonthlyReport,
  runMonthlyReport,
  type WriteOptions,
  withWorkFolder,
  writeReportFiles,
} from "./monthly-report.ts";
export { manifestFor, type PublishResult, publishMonthlyReport } from "./publish.ts";
export { type ReadWallboxesInput, readWallboxes, type WallboxesRead, type WallboxProgress } from "./read-wallboxes.ts";
export {
  type MergeInput,
  mergedReport,
  type PlanInput,
  planRun,
  readPlan,
  readShardWallboxes,
  runShard,
  type ShardInput,
  type ShardResult,
  WorkStoreError,
} from "./shards.ts";
