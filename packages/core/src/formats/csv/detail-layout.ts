/** Excel opens at most 1,048,576 rows: a part holds at most this many sessions, below its header. */
export const MAX_CSV_ROWS_PER_PART = 1_000_000;

/** The session detail's columns, named as the Partner API names the fields; documented in docs/report-format.md. */
export const SESSION_CSV_COLUMNS = [
  "wallbox_label",
  "user_id",
  "wallbox_id",
  "external_user_id",
  "external_device_id",
  "manufacturer",
  "model",
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
