export { collectStep } from "./collect-step.ts";
export {
  type CollectStepInput,
  type CollectStepOutput,
  collectStepInputSchema,
  collectStepOutputSchema,
  type DetailStepInput,
  type DetailStepResult,
  type DiscoverStepInput,
  type DiscoverStepResult,
  detailStepInputSchema,
  detailStepResultSchema,
  discoverStepInputSchema,
  discoverStepResultSchema,
  type FinanceDelivery,
  type MergeStepInput,
  mergeStepInputSchema,
  type PlanStepOutput,
  planStepOutputSchema,
  type ReadDeps,
  type RunLog,
  recordingFailure,
  type ShardStepInput,
  type ShardStepResult,
  type SplitStepInput,
  type SplitStepOutput,
  shardStepInputSchema,
  shardStepResultSchema,
  splitStepInputSchema,
  splitStepOutputSchema,
  type WorkflowDeps,
} from "./contract.ts";
export { detailStep } from "./detail-step.ts";
export { discoverStep } from "./discover-step.ts";
export {
  FATAL_STEP_ERRORS,
  isFatalStepError,
  isRetriedStoreError,
  RETRIED_STORE_ERRORS,
  retriedInWorkflow,
  STEP_RETRIES,
  type StepName,
} from "./fatal-errors.ts";
export { mergeStep } from "./merge-step.ts";
export { type MonthPublication, publishToMonth } from "./month-manifest.ts";
export { type PlanStepOptions, planStep, splitStep } from "./plan-step.ts";
export { type RunProgress, runProgress } from "./progress.ts";
export { type ScheduledOutcome, type ScheduleEvent, scheduleEventSchema, startScheduledRun } from "./scheduled-run.ts";
export { shardStep } from "./shard-step.ts";
export { derivedRunId, RunNotStartedError, type StartDeps, type StartOutcome, startRun, takeMonthLease } from "./start-run.ts";
export { settledStatus } from "./stuck-runs.ts";
