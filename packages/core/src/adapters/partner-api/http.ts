import { setTimeout as sleep } from "node:timers/promises";
import { HttpStatusError } from "./errors.ts";
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from "./retry.ts";
import { BodyDecodeError, type HttpSend, type OutgoingRequest } from "./send.ts";

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpDeps {
  /** The network: `undiciSend` in production and tests alike. */
  send: HttpSend;
  policy: RetryPolicy;
  random: () => number;
  /** Aborts waiting and in-flight requests when the run stops. */
  signal?: AbortSignal;
}

/**
 * What one wallbox may still spend waiting between retries, shared by all of its requests, so a
 * storm of long `Retry-After`s cannot hold one wallbox for many minutes.
 */
export class WaitBudget {
  private spentMs = 0;

  constructor(readonly limitMs: number) {}

  get remainingMs(): number {
    return Math.max(0, this.limitMs - this.spentMs);
  }

  /** Takes `delayMs` from the budget; false (and nothing taken) when it does not fit. */
  take(delayMs: number): boolean {
    if (delayMs > this.remainingMs) return false;
    this.spentMs += delayMs;
    return true;
  }
}

/** The attempt ran out of time; raised by `settleWithin`, never by the network seam itself. */
class AttemptTimeout extends Error {}

/**
 * Runs `work` with a signal that aborts after `ms` or when `parent` aborts, and settles when
 * either happens even if `work` never does, whatever the network seam does with the abort (Node
 * 20's fetch, for one, can leave a body read pending forever after it). The timer
 * is deliberately not unref'd: while a request is outstanding, the process has something to wait for.
 */
async function settleWithin<T>(ms: number, parent: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new AttemptTimeout();
      controller.abort(timeout);
      reject(timeout);
    }, ms);
    onParentAbort = () => {
      controller.abort(parent!.reason);
      reject(parent!.reason);
    };
    if (parent?.aborted) onParentAbort();
    else parent?.addEventListener("abort", onParentAbort, { once: true });
  });
  const working = work(controller.signal);
  // Whichever loses the race must not surface as an unhandled rejection later.
  working.catch(() => undefined);
  try {
    return await Promise.race([working, stopped]);
  } finally {
    clearTimeout(timer);
    if (onParentAbort) parent?.removeEventListener("abort", onParentAbort);
  }
}

/** What one attempt came to: an answer for the caller, or a status worth another attempt (408, 429, 5xx). */
export type Attempt<T> = { answer: T } | { retryStatus: number; retryAfter: string | null };

/**
 * The retrying every Partner API request shares: attempts until one gives an answer, on network
 * errors, timeouts, bodies that do not decode and the retryable statuses, with capped backoff and
 * the server's `Retry-After` (an absurd one refused); throws `HttpStatusError` when retrying gave
 * up, or when the next wait would exceed `budget`. `describe` names the request in errors; it
 * never carries headers, so no token can leak through a message.
 */
export async function withRetries<T>(deps: HttpDeps, describe: string, attemptOnce: () => Promise<Attempt<T>>, budget?: WaitBudget): Promise<T> {
  const { policy } = deps;
  let lastProblem = "";
  let lastStatus = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    deps.signal?.throwIfAborted();
    let retryAfterMs: number | undefined;
    try {
      const result = await attemptOnce();
      if ("answer" in result) return result.answer;
      lastStatus = result.retryStatus;
      lastProblem = `HTTP ${result.retryStatus}`;
      retryAfterMs = parseRetryAfter(result.retryAfter, Date.now());
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
        throw new HttpStatusError(
          result.retryStatus,
          `${describe}: HTTP ${result.retryStatus}, and the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${policy.maxRetryAfterMs / 1000} s this run waits`,
        );
      }
    } catch (error) {
      if (error instanceof HttpStatusError) throw error;
      deps.signal?.throwIfAborted();
      lastStatus = 0;
      lastProblem =
        error instanceof AttemptTimeout
          ? `no complete answer within ${policy.requestTimeoutMs / 1000} s`
          : error instanceof BodyDecodeError
            ? error.message
            : `network error (${networkReason(error)})`;
    }
    if (attempt < policy.maxAttempts) {
      const delay = backoffDelay(policy, attempt, retryAfterMs, deps.random);
      if (budget && !budget.take(delay)) {
        throw new HttpStatusError(
          lastStatus,
          `${describe}: ${lastProblem} after ${attempt} attempt${attempt === 1 ? "" : "s"}; the next would wait ${seconds(delay)} s, ` +
            `more than the ${seconds(budget.remainingMs)} s left of the ${seconds(budget.limitMs)} s one wallbox may spend waiting to retry`,
        );
      }
      await sleep(delay, undefined, deps.signal ? { signal: deps.signal } : undefined);
    }
  }
  throw new HttpStatusError(lastStatus, `${describe}: ${lastProblem} after ${policy.maxAttempts} attempts`);
}

/**
 * One request with a time limit per attempt (body included), retried as `withRetries` says.
 * Answers anything but the retryable statuses (2xx and the other 4xx) to the caller.
 */
export async function requestWithRetry(
  deps: HttpDeps,
  describe: string,
  url: string,
  init: () => OutgoingRequest,
  budget?: WaitBudget,
): Promise<HttpAnswer> {
  return withRetries<HttpAnswer>(
    deps,
    describe,
    async () => {
      const answer = await settleWithin(deps.policy.requestTimeoutMs, deps.signal, (signal) => deps.send(url, { ...init(), signal }));
      return isRetryableStatus(answer.status)
        ? { retryStatus: answer.status, retryAfter: answer.retryAfter }
        : { answer: { status: answer.status, body: answer.body } };
    },
    budget,
  );
}

/** Seconds with at most one decimal: 2.5, 3, 0.1. */
const seconds = (ms: number) => String(Math.round(ms / 100) / 10);

function networkReason(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && "code" in cause) return String((cause as Error & { code: unknown }).code);
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
