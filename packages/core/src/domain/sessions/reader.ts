import type { WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import type { Session } from "./schema.ts";

/** The port a run reads sessions through; the Partner API client (`adapters/partner-api/`) is the real one. */
export interface SessionsReader {
  /** A wallbox's sessions of the window; `WallboxReadError` when that one wallbox cannot be read. */
  listSessions(orgId: string, wallbox: WallboxRef, window: MonthWindow): Promise<Session[]>;
}

/** One wallbox could not be read; the report lists it as failed with this message. */
export class WallboxReadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WallboxReadError";
  }
}
