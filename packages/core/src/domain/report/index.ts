export { modelSummaries } from "./by-model.ts";
export { caveats, plural } from "./caveats.ts";
export { contractHash, JSON_SCHEMA_FILE_NAME, monthlyReportJsonSchema, monthlyReportJsonSchemaText } from "./json-schema.ts";
export { kpisOf, ratio } from "./kpis.ts";
export { MANIFEST_FILE_NAME, type Manifest, type ManifestFile, manifestSchema, type ReplacedReport, replacedReportSchema } from "./manifest.ts";
export {
  buildMonthlyReport,
  reportFileNames,
  reportHead,
  serializeMonthlyReport,
  type WallboxOutcome,
  wallboxEntry,
  writeMonthlyReportJson,
} from "./model.ts";
export {
  OUTSIDE_MONTH_ISSUE,
  outsideMonthIssues,
  type QualityIssue,
  type QualityIssueSource,
  qualityIssuesOf,
  sessionQualityIssues,
} from "./quality-issues.ts";
export {
  type MovedWallbox,
  movedWallboxes,
  RESTATEMENT_FILE_NAME,
  type Restatement,
  WALLBOX_FIGURES_FILE_NAME,
  type WallboxFigures,
  wallboxFigures,
  wallboxFiguresSchema,
} from "./restatement.ts";
export { MONEY_RULE, periodRule, ROUNDING_RULE } from "./rules.ts";
export {
  assertMonthlyReport,
  assertReportHead,
  assertWallboxEntry,
  type FiguresJson,
  figuresSchema,
  type ModelReport,
  type MonthlyReport,
  modelReportSchema,
  monthlyReportSchema,
  type ReportHead,
  type WallboxReport,
  wallboxReportSchema,
} from "./schema.ts";
export { coverageClause, plainlyComplete, stateSentence } from "./state.ts";
export { changeText, type MonthTotals, monthsBefore, monthTotalsOf, previousMonthOf, TREND_MONTHS, trendOf } from "./trend.ts";
export { type UserSummary, userReport, userSummaries } from "./users.ts";
export { decodeWallboxEntry, encodeWallboxEntry, entriesFromList, type WallboxEntries, WallboxEntryArena } from "./wallbox-entries.ts";
