// No imports: infra/workflow.ts reads these classes (through cloud/fatal-errors.ts) for the
// state machine's retries and catches.

/**
 * Every error that stops a run with a reason its reader can act on, in one place. Front doors
 * print `message` as it is, without a stack trace; `cause` keeps the underlying error.
 *
 * `endsCloudRun`: in the cloud, the state machine neither retries nor catches these (by their
 * `name`, which is how Step Functions knows a Lambda function's error): a retry cannot help them,
 * and turning them into failed wallboxes would publish a report of a run that never could have
 * worked. The others stop a local run, or are handled where they arise (an email that cannot be
 * sent is an alert), and are retried like any error in the cloud.
 */
export class RunStopError extends Error {
  static readonly endsCloudRun: boolean = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunStopError";
  }
}

/** A config that cannot be used: missing, malformed, or naming wallboxes twice. */
export class ConfigError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** The credentials do not work: the whole run stops before anything is written. */
export class CredentialsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CredentialsError";
  }
}

/**
 * The Partner API could not be reached before the reads (connection refused, DNS, TLS, time-outs,
 * 5xx after the retries): nothing is written, a report of no wallbox is no report. Locally the run
 * stops; in the cloud the plan step is tried again a few times (an outage may be brief), then the
 * run fails. Credentials it refuses are a `CredentialsError`.
 */
export class ApiUnreachableError extends RunStopError {
  static override readonly endsCloudRun: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiUnreachableError";
  }
}

/**
 * The organisation's users could not be listed, or the list is not what the contract says: a
 * run that finds its wallboxes through the API has no list to report on, so it stops here.
 */
export class DiscoveryError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DiscoveryError";
  }
}

/** Not one wallbox of the run could be read: nothing is written, whatever each read's reason. */
export class NothingReadError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NothingReadError";
  }
}

/** A deployed function's stage settings are missing or do not fit (linked resources, limits). */
export class SettingsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SettingsError";
  }
}

/** Something in the work store is not what this code wrote there: never guessed around. */
export class WorkStoreError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkStoreError";
  }
}

/** A run record (a manifest, a status) is not what this code writes: never guessed around. */
export class RunRecordsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunRecordsError";
  }
}

/** A run larger than the cloud run's limits take (Step Functions' payload, Lambda's time): it names the limit and the setting that would fit it. */
export class RunLimitError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunLimitError";
  }
}

/** S3 refused a call for good (access denied, no such bucket, a wrong request): a retry would be refused again. */
export class S3RefusedError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "S3RefusedError";
  }
}

/** A month or a timezone that cannot be reported: malformed, not ended yet, unknown. */
export class MonthError extends RunStopError {
  static override readonly endsCloudRun: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MonthError";
  }
}

/** The output folder cannot take the report: the run stops before it reads anything (local runs). */
export class OutputFolderError extends RunStopError {
  static override readonly endsCloudRun: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutputFolderError";
  }
}

/** A command line that cannot be run: an unknown option, a bad value (the CLI). */
export class UsageError extends RunStopError {
  static override readonly endsCloudRun: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** SES did not send the finance email: an operator alert, never the run's failure. */
export class EmailError extends RunStopError {
  static override readonly endsCloudRun: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmailError";
  }
}

/** Every error that stops a run, the base first: a test fails when a class of the code extends RunStopError and is not here. */
export const RUN_STOP_ERRORS = [
  RunStopError,
  ConfigError,
  CredentialsError,
  ApiUnreachableError,
  DiscoveryError,
  NothingReadError,
  SettingsError,
  WorkStoreError,
  RunRecordsError,
  RunLimitError,
  S3RefusedError,
  MonthError,
  OutputFolderError,
  UsageError,
  EmailError,
] as const;

/** An AWS service answered with a fault that a retry may mend (500, throttling, a timeout): the workflow retries the step. */
export class AwsServiceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsServiceError";
  }
}
