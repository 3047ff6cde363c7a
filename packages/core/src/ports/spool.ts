import type { Session } from "../domain/sessions/index.ts";

/**
 * Where a run keeps the sessions it read until the writers want them, so memory holds the
 * per-wallbox figures only, never the month's sessions. Positions are the wallboxes' places in
 * the report; each position is put once.
 */
export interface SessionSpool {
  /**
   * Takes one wallbox's sessions. Resolves once they are accepted, which is at once unless many
   * writes are still under way: the reader is not held up by compression and disk.
   */
  put(position: number, sessions: readonly Session[]): Promise<void>;
  /** Resolves when everything put is on disk; rejects with the first write that failed. */
  flush(): Promise<void>;
  /** The sessions put under `position`, in the order they were put; none if nothing was put. */
  get(position: number): Promise<Session[]>;
  /** The same as `encodeSessionSegment` bytes, as stored; undefined if nothing was put. */
  segment(position: number): Promise<Buffer | undefined>;
  /** Frees what the spool holds on disk (its file has no name from the start); it cannot be used afterwards. */
  dispose(): Promise<void>;
}

/** A new, empty spool: a temporary file in both doors (the system's temporary folder, Lambda's /tmp). */
export type OpenSpool = () => Promise<SessionSpool>;
