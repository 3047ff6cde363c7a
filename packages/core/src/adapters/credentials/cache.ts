/** Reads the secret's text from wherever it is kept (Secrets Manager in AWS). */
export type SecretReader = () => Promise<string>;

export interface CachedValue<T> {
  get(): Promise<T>;
  /** Reads again now, whatever the age of the cached value. */
  reload(): Promise<T>;
}

/**
 * Keeps a value for at most `maxAgeMs` (a warm Lambda container reuses it across invocations), so a
 * rotated secret is picked up within that time, or at once when a caller knows it is stale.
 */
export function cached<T>(load: () => Promise<T>, maxAgeMs: number, now = () => Date.now()): CachedValue<T> {
  let entry: { value: Promise<T>; loadedAt: number; settled: boolean } | undefined;
  const reload = () => {
    // Callers that find the value stale at the same moment (say, every wallbox after a 401) share one read.
    if (entry && !entry.settled) return entry.value;
    const value = load();
    const current = { value, loadedAt: now(), settled: false };
    entry = current;
    value.then(
      () => {
        current.settled = true;
      },
      () => {
        current.settled = true;
        // A failed read is not cached: the next caller tries again.
        if (entry === current) entry = undefined;
      },
    );
    return value;
  };
  return {
    get: () => (entry && now() - entry.loadedAt < maxAgeMs ? entry.value : reload()),
    reload,
  };
}
