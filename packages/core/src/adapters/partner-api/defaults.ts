import type { HttpDeps } from "./http.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
import { undiciSend } from "./send.ts";

/** The HTTP setup every door uses (undici, the default retry policy, real jitter), with its own policy changes. */
export function defaultHttp(overrides: { policy?: Partial<RetryPolicy>; signal?: AbortSignal } = {}): HttpDeps {
  return {
    send: undiciSend,
    policy: { ...DEFAULT_RETRY_POLICY, ...overrides.policy },
    random: Math.random,
    ...(overrides.signal ? { signal: overrides.signal } : {}),
  };
}
