import type { WallboxRef } from "../config/index.ts";
import type { Session } from "./schema.ts";

/** The order every report lists a wallbox's sessions in: by start, then by id. */
export function chronological(sessions: readonly Session[]): Session[] {
  return [...sessions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.id - b.id);
}

/** One wallbox's sessions, in chronological order. */
export interface WallboxSessions {
  wallbox: WallboxRef;
  sessions: readonly Session[];
}

/**
 * The sessions of every wallbox that was read, in report order, as many times as a writer asks;
 * only one wallbox's sessions need to be in memory at a time.
 */
export type SessionSource = () => AsyncIterable<WallboxSessions>;

/** A source over sessions already in memory (tests, small runs). */
export function sessionsInMemory(list: readonly WallboxSessions[]): SessionSource {
  return async function* () {
    yield* list;
  };
}
