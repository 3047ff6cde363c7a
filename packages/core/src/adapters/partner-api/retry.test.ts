import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter } from "./retry.ts";

describe("retry policy", () => {
  it("retries rate limiting and server errors only", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("backs off exponentially with full jitter, capped, unless the server said how long", () => {
    const top = () => 0.999999;
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, undefined, top)).toBe(500);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, undefined, top)).toBe(2000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 20, undefined, top)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, undefined, () => 0)).toBe(0);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, 7000, top)).toBe(7000);
  });
});
