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
  let entry: { value: Promise<T>; loadedAt: number } | undefined;
  const reload = () => {
    const value = load();
    entry = { value, loadedAt: now() };
    // A failed read is not cached: the next caller tries again.
    value.catch(() => {
      if (entry?.value === value) entry = undefined;
    });
    return value;
  };
  return {
    get: () => (entry && now() - entry.loadedAt < maxAgeMs ? entry.value : reload()),
    reload,
  };
}
