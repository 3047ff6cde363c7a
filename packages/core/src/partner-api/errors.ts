import { RunStopError } from "../errors/index.ts";

/** The credentials do not work: the whole run stops before anything is written. */
export class CredentialsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CredentialsError";
  }
}

/** An HTTP answer that retrying did not turn into a success. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}
