import { RunStopError } from "../errors/index.ts";

/** The credentials do not work: the whole run stops before anything is written. */
export class CredentialsError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CredentialsError";
  }
}

/** One wallbox could not be read; the report lists it as failed with this message. */
export class WallboxReadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WallboxReadError";
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
