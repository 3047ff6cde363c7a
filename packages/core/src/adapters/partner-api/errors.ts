export { CredentialsError } from "../../shared/errors/index.ts";

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
