export { WorkStoreError } from "../ports/index.ts";
export { type CollectInput, collectRun, readCollected } from "./collect.ts";
export { type DetailPartOutcome, writeDetailPart } from "./detail.ts";
export { checkConfigCoverage, type DiscoverySummary, type GapWriter, listWallboxesOf } from "./discover.ts";
export {
  type BatchOutcome,
  type DiscoverBatchInput,
  discoverBatch,
  type PlanDiscoveredInput,
  type PlanDiscoveryInput,
  planDiscovered,
  planDiscovery,
  readDiscoveryPlan,
} from "./discovery.ts";
export { earlierMonths, type MonthTotalsSource, monthTotalsInFolder, monthTotalsInRecords } from "./earlier-months.ts";
export { type FinanceEmailOptions, financeEmailFor } from "./email-of-report.ts";
export { type MergeInput, mergedReport } from "./merge.ts";
export {
  CONTENT_TYPES,
  DEFAULT_SESSION_ROW_LIMIT,
  type MonthRead,
  type ReadInput,
  type ReportContent,
  type ReportFiles,
  type RunInput,
  type RunResult,
  readMonthlyReport,
  runMonthlyReport,
  type WriteOptions,
  wallboxListFileName,
  writeMonthlyReport,
  writeReportFiles,
} from "./monthly-report.ts";
export { DISCOVERY_BATCH_USERS, type MonthPlanned, type PlanMonthInput, planMonth, type WallboxSource } from "./plan-month.ts";
export { manifestFor, type PublishResult, publishMonthlyReport } from "./publish.ts";
export { type ReadWallboxesInput, readWallboxes, type WallboxesRead, type WallboxProgress } from "./read-wallboxes.ts";
export {
  type PlanInput,
  planRun,
  readPartialHeader,
  readPlan,
  readShardWallboxes,
  runShard,
  type ShardInput,
  type ShardResult,
  shardSessions,
  type WallboxesOf,
  wallboxesFromStore,
} from "./shards.ts";
export { type SessionDetail, storedDetail } from "./stored-detail.ts";
