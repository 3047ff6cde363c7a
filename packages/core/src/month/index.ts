import { RunStopError } from "../errors/index.ts";

/**
 * Month windows: the inclusive UTC days the Partner API filters on.
 *
 * The API's `from`/`to` are inclusive calendar days in UTC, so a month is its first and last
 * UTC day. Which sessions belong to the month is the API's decision; see `startedWithin`.
 */
export interface MonthWindow {
  /** `YYYY-MM` */
  month: string;
  /** first day, `YYYY-MM-DD`, inclusive */
  from: string;
  /** last day, `YYYY-MM-DD`, inclusive */
  to: string;
}

export class MonthError extends RunStopError {
  constructor(message: string) {
    super(message);
    this.name = "MonthError";
  }
}

const MONTH_TEXT = /^(\d{4})-(\d{2})$/;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function windowOf(year: number, monthIndex: number): MonthWindow {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
  const month = `${pad(year, 4)}-${pad(monthIndex + 1)}`;
  return { month, from: `${month}-01`, to: `${month}-${pad(lastDay)}` };
}

/** The last month that has fully ended at `now` (UTC). */
export function previousFullMonth(now: Date): MonthWindow {
  return windowOf(now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear(), (now.getUTCMonth() + 11) % 12);
}

/**
 * Parses `YYYY-MM`. Only months that have fully ended (UTC) are accepted: a report of a month
 * still running would silently change after finance had reconciled it.
 */
export function parseMonth(text: string, now: Date): MonthWindow {
  const match = MONTH_TEXT.exec(text);
  if (!match) throw new MonthError(`month "${text}" is not of the form YYYY-MM (for example 2026-10)`);
  const year = Number(match[1]);
  const monthNumber = Number(match[2]);
  if (monthNumber < 1 || monthNumber > 12) {
    throw new MonthError(`month "${text}" has no month ${match[2]}: use 01 to 12`);
  }
  if (year < 2000) throw new MonthError(`month "${text}" is before 2000; HEMS sessions start later`);
  const window = windowOf(year, monthNumber - 1);
  const latest = previousFullMonth(now);
  if (window.month > latest.month) {
    throw new MonthError(`month ${window.month} has not ended yet (now is ${now.toISOString()}); the latest full month is ${latest.month}`);
  }
  return window;
}

/** Whether an ISO date-time falls on one of the window's UTC days. */
export function startedWithin(startedAt: string, window: MonthWindow): boolean {
  const time = Date.parse(startedAt);
  if (Number.isNaN(time)) return false;
  const day = new Date(time).toISOString().slice(0, 10);
  return day >= window.from && day <= window.to;
}
export { type LocalMonthWindow, localMonthWindow, startsWithin } from "./local-window.ts";
