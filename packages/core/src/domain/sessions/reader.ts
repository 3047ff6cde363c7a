import { z } from "zod";
import type { WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import type { Session } from "./schema.ts";

/** The organisation as the Partner API describes it (`GET /org/{org_id}`). */
export const organizationSchema = z.object({
  name: z.string().min(1).max(255),
  id: z.string().nullish(),
  description: z.string().nullish(),
  contact: z.string().nullish(),
});
export type Organization = z.infer<typeof organizationSchema>;

/** The port a run reads sessions through; the Partner API client (`adapters/partner-api/`) is the real one. */
export interface SessionsReader {
  /**
   * The organisation, asked once before the reads: an API or credentials that cannot be used stop
   * the run here (`ApiUnreachableError`, `CredentialsError`), before any wallbox is read. Undefined
   * when the API answers 404 (no such organisation, or no such endpoint: only the simulator serves
   * it here), and the run goes on without the name: a wrong org id fails every wallbox's read.
   */
  organization(orgId: string): Promise<Organization | undefined>;
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
