import type { Logger } from "@aws-lambda-powertools/logger";
import { formatPath } from "@hems-reports/core/shared/validation";
import type { Context, LambdaFunctionURLEvent } from "aws-lambda";
import type { z } from "zod";

/** An answer other than success, thrown from anywhere in a handler and turned into a JSON response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** A function URL answer (the structured form of `UrlResponse`). */
export interface UrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): UrlResponse {
  return { statusCode: status, headers: { "content-type": "application/json", ...headers }, body: `${JSON.stringify(body, null, 2)}\n` };
}

/** 400 naming each bad field by its path. */
export function invalidInput(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): HttpError {
  const issues = error.issues.map((issue) => ({ field: formatPath([...prefix, ...issue.path]), message: issue.message }));
  return new HttpError(400, issues.map((issue) => `${issue.field}: ${issue.message}`).join("; "), { issues });
}

/**
 * Handlers are the happy path; this turns a thrown `HttpError` into its answer and anything else
 * into a 500 with the reason logged. The event itself (headers, signatures) is never logged.
 */
export function httpHandler(
  logger: () => Logger,
  handle: (event: LambdaFunctionURLEvent) => Promise<UrlResponse>,
): (event: LambdaFunctionURLEvent, context?: Context) => Promise<UrlResponse> {
  return async (event, context) => {
    try {
      if (context) logger().addContext(context);
      return await handle(event);
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: error.message, ...error.details }, error.headers);
      const message = error instanceof Error ? error.message : String(error);
      // The logger itself may be what failed (say, a resource that is not linked): fall back to the console.
      try {
        logger().error("request failed", { method: event.requestContext?.http?.method, error: message });
      } catch {
        console.error(JSON.stringify({ level: "ERROR", message: "request failed", error: message }));
      }
      return json(500, { error: message });
    }
  };
}
