export { allowsObjectAccess, BUCKET_OBJECT_ACCESS, CONFIG_KEY, CONFIG_LINES_KEY, STAGING_EXPIRY_DAYS, WORK_EXPIRY_DAYS } from "./bucket-access.ts";
export {
  activeRunKey,
  activeRunSchema,
  currentStatus,
  type Placement,
  placementOf,
  type ReportKeys,
  type RunJob,
  type RunRequest,
  type RunStatus,
  type RunTimeLimits,
  reportKeys,
  runJobSchema,
  runRequestSchema,
  runStatusKey,
  runStatusSchema,
  selectWallboxes,
  UnknownWallboxError,
} from "./model.ts";
export type { RunRecords } from "./records.ts";
