import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { HttpStatusError } from "./errors.ts";
import type { HttpDeps, WaitBudget } from "./http.ts";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry.ts";

/** An answer whose body arrives as a stream (a list too large to hold), or, for any other status, as text. */
export type StreamedAnswer = { status: 200; body: AsyncIterable<Buffer> } | { status: number; text: string };

/**
 * A GET whose body is read as it arrives: the users list of a large org is hundreds of MB. Until
 * the body starts, it is retried as every request is (408, 429, 5xx, network errors, with backoff
 * and `Retry-After`, within `budget`); once it streams, a break is the reader's to report. Each
 * wait for the headers or for the body's next bytes is bounded by the request timeout, so a
 * stalled list fails rather than hangs.
 */
export async function openStream(
  deps: HttpDeps,
  describe: string,
  url: string,
  headers: Record<string, string>,
  budget: WaitBudget,
): Promise<StreamedAnswer> {
  const { policy } = deps;
  let lastProblem = "";
  let lastStatus = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    deps.signal?.throwIfAborted();
    let retryAfterMs: number | undefined;
    try {
      const answer = await request(url, {
        method: "GET",
        headers: { ...headers, "accept-encoding": "identity" },
        headersTimeout: policy.requestTimeoutMs,
        bodyTimeout: policy.requestTimeoutMs,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      if (answer.statusCode === 200) return { status: 200, body: answer.body as AsyncIterable<Buffer> };
      const text = await answer.body.text();
      if (!isRetryableStatus(answer.statusCode)) return { status: answer.statusCode, text };
      lastStatus = answer.statusCode;
      lastProblem = `HTTP ${answer.statusCode}`;
      const retryAfter = answer.headers["retry-after"];
      retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null), Date.now());
    } catch (error) {
      deps.signal?.throwIfAborted();
      lastStatus = 0;
      lastProblem = `network error (${(error as { code?: string }).code ?? (error as Error).message})`;
    }
    if (attempt < policy.maxAttempts) {
      const delay = backoffDelay(policy, attempt, retryAfterMs, deps.random);
      if (!budget.take(delay)) break;
      await sleep(delay, undefined, deps.signal ? { signal: deps.signal } : undefined);
    }
  }
  throw new HttpStatusError(lastStatus, `${describe}: ${lastProblem}, the last of its attempts`);
}
