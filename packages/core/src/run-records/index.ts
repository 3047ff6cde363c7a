export { allowsObjectAccess, BUCKET_OBJECT_ACCESS, CONFIG_KEY, CONFIG_LINES_KEY, WORK_EXPIRY_DAYS } from "./bucket-access.ts";
export {
  currentStatus,
  expectedManifestKey,
  type MonthLease,
  monthLeaseKey,
  monthLeaseSchema,
  monthManifestDecision,
  monthManifestKey,
  type Placement,
  type ReportKeys,
  type RunJob,
  type RunRequest,
  type RunStatus,
  type RunTimeLimits,
  runJobSchema,
  runReportKeys,
  runRequestSchema,
  runStatusKey,
  runStatusSchema,
  selectWallboxes,
  UnknownWallboxError,
} from "./model.ts";
export { parseRecord, type RunRecords, RunRecordsError } from "./records.ts";
