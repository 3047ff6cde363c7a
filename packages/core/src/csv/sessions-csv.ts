import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { WallboxRef } from "../config/index.ts";
import type { Session, SessionSource } from "../sessions/index.ts";

/** Excel opens at most 1,048,576 rows: a part holds at most this many sessions, below its header. */
export const MAX_CSV_ROWS_PER_PART = 1_000_000;

/** The session detail's columns, named as the Partner API names the fields; documented in the README. */
export const SESSION_CSV_COLUMNS = [
  "wallbox_label",
  "user_id",
  "wallbox_id",
  "session_id",
  "ocpp_transaction_id",
  "started_at",
  "ended_at",
  "final_hems_state",
  "outcome",
  "outcome_counted_as",
  "energy_from_solar_kwh",
  "savings_eur",
  "has_complete_price_coverage",
  "commands_sent",
  "commands_applied",
  "commands_ineffective",
] as const;

/** The CSV file names of a month with `sessions` sessions: one file, or numbered parts when it must be split. */
export function sessionCsvFileNames(month: string, sessions: number, rowsPerPart = MAX_CSV_ROWS_PER_PART): string[] {
  const parts = Math.max(1, Math.ceil(sessions / rowsPerPart));
  if (parts === 1) return [`hems-sessions-${month}.csv`];
  return Array.from({ length: parts }, (_, index) => `hems-sessions-${month}-part${String(index + 1).padStart(3, "0")}.csv`);
}

/** A time as ISO 8601 in UTC: as the API sent it when it sent UTC, converted otherwise. */
function utc(time: string | null): string | null {
  if (time === null) return null;
  return /(?:Z|[+-]00:?00)$/i.test(time) ? time : new Date(time).toISOString();
}

const text = (value: string | number | boolean | null) => (value === null ? "" : String(value));

/** One CSV row of a session; decimals are the API's own digits, empty where the API sent null. */
function sessionRow(wallbox: WallboxRef, session: Session): string[] {
  return [
    wallbox.label ?? "",
    wallbox.userId,
    wallbox.wallboxId,
    String(session.id),
    text(session.ocppTransactionId),
    text(utc(session.startedAt)),
    text(utc(session.endedAt)),
    session.finalHemsState,
    text(session.rawOutcome),
    session.outcome,
    text(session.energyFromSolarKwh),
    text(session.savingsEur),
    text(session.hasCompletePriceCoverage),
    String(session.commandsSent),
    String(session.commandsApplied),
    String(session.commandsIneffective),
  ];
}

/** Every session's CSV row, in report order. */
export async function* sessionCsvRows(source: SessionSource): AsyncGenerator<string[]> {
  for await (const { wallbox, sessions } of source()) {
    for (const session of sessions) yield sessionRow(wallbox, session);
  }
}

/**
 * Writes the next `limit` rows of `rows` as one CSV file: UTF-8 with a BOM (so Excel reads the
 * encoding right), comma-separated, a header row. `rows` is shared by the parts of one month, so
 * each part continues where the previous one stopped.
 */
export async function writeSessionsCsvPart(rows: AsyncIterator<string[]>, limit: number, out: Writable): Promise<void> {
  async function* take() {
    for (let taken = 0; taken < limit; taken++) {
      const next = await rows.next();
      if (next.done) return;
      yield next.value;
    }
  }
  await pipeline(take(), stringify({ bom: true, header: true, columns: [...SESSION_CSV_COLUMNS], record_delimiter: "\r\n" }), out);
}
