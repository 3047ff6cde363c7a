// No imports: infra/workflow.ts reads this list too, for the state machine's retries and catches.

/**
 * Errors that end a run rather than one shard: a retry cannot help them, and turning them into
 * failed wallboxes would publish a report of a run that never could have worked (bad
 * credentials, a damaged work store, a bug). The state machine neither retries nor catches
 * these names (a Lambda error's name is its `name`); every other error is retried and, if it
 * persists, becomes a failed shard.
 */
export const FATAL_STEP_ERRORS = [
  "RunStopError",
  "RunLimitError",
  "CredentialsError",
  "ConfigError",
  "SettingsError",
  "WorkStoreError",
  "RunRecordsError",
  "TypeError",
  "ReferenceError",
  "SyntaxError",
  "RangeError",
] as const;

/**
 * Faults of AWS's services that their clients' own retries could not mend (the bucket: S3ObjectError;
 * Secrets Manager: AwsServiceError): Plan, Collect and Merge are retried on these.
 */
export const RETRIED_STORE_ERRORS = ["S3ObjectError", "AwsServiceError"] as const;

export const isRetriedStoreError = (error: unknown): boolean =>
  error instanceof Error && (RETRIED_STORE_ERRORS as readonly string[]).includes(error.name);

export function isFatalStepError(error: unknown): boolean {
  return error instanceof Error && (FATAL_STEP_ERRORS as readonly string[]).includes(error.name);
}
