/**
 * An error that stops a run with a reason its reader can act on (a bad option, config, month,
 * output folder or credentials). Front doors print `message` as it is, without a stack trace;
 * `cause` keeps the underlying error for debugging.
 */
export class RunStopError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunStopError";
  }
}

/** A run larger than the cloud run's limits take (Step Functions' payload, Lambda's time): it names the limit and the setting that would fit it. */
export class RunLimitError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunLimitError";
  }
}

/** An AWS service answered with a fault that a retry may mend (500, throttling, a timeout): the workflow retries the step. */
export class AwsServiceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsServiceError";
  }
}
