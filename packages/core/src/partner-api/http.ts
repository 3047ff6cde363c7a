import { setTimeout as sleep } from "node:timers/promises";
import { HttpStatusError } from "./errors.ts";
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from "./retry.ts";

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpDeps {
  fetch: typeof globalThis.fetch;
  policy: RetryPolicy;
  random: () => number;
  /** Aborts waiting and in-flight requests when the run stops. */
  signal?: AbortSignal;
}

/**
 * One request with a timeout per attempt (body included), retried on network errors, timeouts,
 * 408, 429 and 5xx. Answers anything else (2xx and the other 4xx) to the caller; throws
 * `HttpStatusError` when retrying gave up. `describe` names the request in errors; it never
 * carries headers, so no token can leak through a message.
 */
export async function requestWithRetry(
  deps: HttpDeps,
  describe: string,
  url: string,
  init: () => RequestInit,
): Promise<HttpAnswer> {
  let lastProblem = "";
  for (let attempt = 1; attempt <= deps.policy.maxAttempts; attempt++) {
    deps.signal?.throwIfAborted();
    let retryAfterMs: number | undefined;
    const timeout = AbortSignal.timeout(deps.policy.requestTimeoutMs);
    const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
    try {
      const response = await deps.fetch(url, { ...init(), signal });
      const body = await response.text();
      if (!isRetryableStatus(response.status)) return { status: response.status, body };
      lastProblem = `HTTP ${response.status}`;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
      if (retryAfterMs !== undefined && retryAfterMs > deps.policy.maxRetryAfterMs) {
        throw new HttpStatusError(
          response.status,
          `${describe}: HTTP ${response.status}, and the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${deps.policy.maxRetryAfterMs / 1000} s this run waits`,
        );
      }
    } catch (error) {
      if (error instanceof HttpStatusError) throw error;
      deps.signal?.throwIfAborted();
      lastProblem = timeout.aborted
        ? `no complete answer within ${deps.policy.requestTimeoutMs / 1000} s`
        : `network error (${networkReason(error)})`;
    }
    if (attempt < deps.policy.maxAttempts) {
      const delay = backoffDelay(deps.policy, attempt, retryAfterMs, deps.random);
      await sleep(delay, undefined, deps.signal ? { signal: deps.signal } : undefined);
    }
  }
  const status = /^HTTP (\d+)$/.exec(lastProblem);
  throw new HttpStatusError(
    status ? Number(status[1]) : 0,
    `${describe}: ${lastProblem} after ${deps.policy.maxAttempts} attempts`,
  );
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && "code" in cause) return String((cause as Error & { code: unknown }).code);
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
