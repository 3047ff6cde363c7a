// Imports only shared/errors/index.ts, which imports nothing: infra/workflow.ts reads this list too, for the state machine's retries and catches.
import { RUN_STOP_ERRORS } from "../shared/errors/index.ts";

/** The errors of JavaScript itself: a bug, which a retry would only repeat. */
const BUGS = ["TypeError", "ReferenceError", "SyntaxError", "RangeError"] as const;

/**
 * Errors that end a run rather than one shard: the run-stopping errors that say so
 * (`endsCloudRun`, shared/errors/index.ts) and bugs. The state machine neither retries nor catches these
 * names (a Lambda error's name is its `name`, taken from an instance: a bundler may rename
 * classes); every other error is retried and, if it persists, becomes a failed shard.
 */
export const FATAL_STEP_ERRORS: readonly string[] = [
  ...RUN_STOP_ERRORS.filter((kind) => kind.endsCloudRun).map((kind) => new kind("").name),
  ...BUGS,
];

/**
 * Faults of the services the steps call that their clients' own retries could not mend (the
 * bucket: S3ObjectError; Secrets Manager: AwsServiceError; the Partner API before the reads:
 * ApiUnreachableError): Plan, Collect and Merge are retried on these, over a minute or so.
 */
export const RETRIED_STORE_ERRORS = ["S3ObjectError", "AwsServiceError", "ApiUnreachableError"] as const;

export const isRetriedStoreError = (error: unknown): boolean =>
  error instanceof Error && (RETRIED_STORE_ERRORS as readonly string[]).includes(error.name);

export function isFatalStepError(error: unknown): boolean {
  return error instanceof Error && FATAL_STEP_ERRORS.includes(error.name);
}

/** The workflow's five steps (their Lambda functions and states). */
export type StepName = "plan" | "shard" | "collect" | "detail" | "merge";

/**
 * How the state machine retries each step, beyond the Lambda service's own errors: the steps
 * that read much (a shard, a CSV part) on any error but a fatal one; the others on the AWS
 * services' faults only. infra/workflow.ts builds the retriers from this, and a step's failure is
 * recorded as the run's only when its retrier will not try it again.
 */
export const STEP_RETRIES: Record<StepName, "all but fatal" | "service faults"> = {
  plan: "service faults",
  shard: "all but fatal",
  collect: "service faults",
  detail: "all but fatal",
  merge: "service faults",
};

/** Whether the state machine tries `step` again after `error` (the Lambda service's own errors aside). */
export function retriedInWorkflow(step: StepName, error: unknown): boolean {
  return STEP_RETRIES[step] === "all but fatal" ? !isFatalStepError(error) : isRetriedStoreError(error);
}
