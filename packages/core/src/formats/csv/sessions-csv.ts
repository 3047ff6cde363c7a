import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { WallboxRef } from "../../domain/config/index.ts";
import type { Session, SessionSource } from "../../domain/sessions/index.ts";
import { SESSION_CSV_COLUMNS } from "./detail-layout.ts";

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
    wallbox.externalUserId ?? "",
    wallbox.externalDeviceId ?? "",
    wallbox.manufacturer ?? "",
    wallbox.model ?? "",
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
