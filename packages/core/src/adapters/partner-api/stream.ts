import { request } from "undici";
import { type HttpDeps, type WaitBudget, withRetries } from "./http.ts";
import { isRetryableStatus } from "./retry.ts";

/** An answer whose body arrives as a stream (a list too large to hold), or, for any other status, as text. */
export type StreamedAnswer = { status: 200; body: AsyncIterable<Buffer> } | { status: number; text: string };

/**
 * A GET whose body is read as it arrives: the users list of a large org is hundreds of MB. Until
 * the body starts, it is retried as every request is (`withRetries`, within `budget`); once it
 * streams, a break is the reader's to report. Each wait for the headers or for the body's next
 * bytes is bounded by the request timeout, so a stalled list fails rather than hangs.
 */
export async function openStream(
  deps: HttpDeps,
  describe: string,
  url: string,
  headers: Record<string, string>,
  budget: WaitBudget,
): Promise<StreamedAnswer> {
  const { requestTimeoutMs } = deps.policy;
  return withRetries<StreamedAnswer>(
    deps,
    describe,
    async () => {
      const answer = await request(url, {
        method: "GET",
        headers: { ...headers, "accept-encoding": "identity" },
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      if (answer.statusCode === 200) return { answer: { status: 200, body: answer.body as AsyncIterable<Buffer> } };
      const text = await answer.body.text();
      if (!isRetryableStatus(answer.statusCode)) return { answer: { status: answer.statusCode, text } };
      const retryAfter = answer.headers["retry-after"];
      return { retryStatus: answer.statusCode, retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null) };
    },
    budget,
  );
}
