import { canonicalTimeZone, MonthError, monthAt, offsetAt } from "./local-time.ts";

/**
 * A month in a timezone: the instants from local midnight on its first day up to local midnight
 * on the next month's first day, and the UTC days the Partner API is asked for to cover them (its
 * `from`/`to` are inclusive UTC days). A session belongs to the month in which it started, in
 * that timezone; with `UTC` the query days are exactly the month's.
 */
export interface MonthWindow {
  /** `YYYY-MM` */
  month: string;
  /** An IANA timezone, for example `Europe/Vienna`, or `UTC`. */
  timeZone: string;
  /** The month's first instant (ISO, UTC), inclusive. */
  start: string;
  /** The next month's first instant (ISO, UTC), exclusive. */
  end: string;
  /** The first UTC day asked of the API, `YYYY-MM-DD`, inclusive: the day of `start`. */
  from: string;
  /** The last UTC day asked of the API, `YYYY-MM-DD`, inclusive: the day of the month's last instant. */
  to: string;
}

const MONTH_TEXT = /^(\d{4})-(\d{2})$/;

const DAY_MS = 86_400_000;

/**
 * The instant at which the local day `year-monthIndex-01` begins: its first midnight (where the
 * clocks go back from 01:00 to 00:00 that night, midnight comes twice), or, where the clocks skip
 * midnight, the first instant that exists.
 */
function localMonthStart(year: number, monthIndex: number, timeZone: string): number {
  const wallClock = Date.UTC(year, monthIndex, 1);
  // The offsets a day before, at and a day after that midnight: a change of the clocks near it lies between them.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(wallClock + shift, timeZone)));
  const candidates = [...offsets].map((offset) => wallClock - offset);
  const midnights = candidates.filter((instant) => instant + offsetAt(instant, timeZone) === wallClock);
  // Where midnight was skipped, the change of the clocks itself: midnight by the offset before it.
  return midnights.length ? Math.min(...midnights) : Math.max(...candidates);
}

const utcDay = (instant: number) => new Date(instant).toISOString().slice(0, 10);

function windowOf(year: number, monthIndex: number, zone: string): MonthWindow {
  const timeZone = canonicalTimeZone(zone);
  const start = localMonthStart(year, monthIndex, timeZone);
  const end = localMonthStart(monthIndex === 11 ? year + 1 : year, (monthIndex + 1) % 12, timeZone);
  return {
    month: `${String(year).padStart(4, "0")}-${String(monthIndex + 1).padStart(2, "0")}`,
    timeZone,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    from: utcDay(start),
    to: utcDay(end - 1),
  };
}

function parseMonthText(text: string): { year: number; monthIndex: number } {
  const match = MONTH_TEXT.exec(text);
  if (!match) throw new MonthError(`month "${text}" is not of the form YYYY-MM (for example 2026-10)`);
  const monthNumber = Number(match[2]);
  if (monthNumber < 1 || monthNumber > 12) throw new MonthError(`month "${text}" has no month ${match[2]}: use 01 to 12`);
  return { year: Number(match[1]), monthIndex: monthNumber - 1 };
}

/** The month `YYYY-MM` in `timeZone` (see `MonthWindow`), whether or not it has ended. */
export function monthWindow(month: string, timeZone = "UTC"): MonthWindow {
  const { year, monthIndex } = parseMonthText(month);
  return windowOf(year, monthIndex, timeZone);
}

/** The last month that has fully ended at `now`, in `timeZone`. */
export function previousFullMonth(now: Date, timeZone = "UTC"): MonthWindow {
  const [year, monthNumber] = monthAt(now.getTime(), timeZone).split("-").map(Number) as [number, number];
  return monthNumber === 1 ? windowOf(year - 1, 11, timeZone) : windowOf(year, monthNumber - 2, timeZone);
}

/**
 * Parses `YYYY-MM` as a month in `timeZone`. Only months that have fully ended there are accepted:
 * a report of a month still running would silently change after finance had reconciled it.
 */
export function parseMonth(text: string, now: Date, timeZone = "UTC"): MonthWindow {
  const { year, monthIndex } = parseMonthText(text);
  if (year < 2000) throw new MonthError(`month "${text}" is before 2000; HEMS sessions start later`);
  const window = windowOf(year, monthIndex, timeZone);
  if (now.getTime() < Date.parse(window.end)) {
    const latest = previousFullMonth(now, timeZone).month;
    throw new MonthError(`month ${window.month} has not ended yet in ${timeZone} (now is ${now.toISOString()}); the latest full month is ${latest}`);
  }
  return window;
}

/**
 * Whether a session that started at `startedAt` (ISO with an offset) belongs to the window's
 * month: a test made once per window, so a month's sessions do not parse its bounds again.
 */
export function startsWithin(window: MonthWindow): (startedAt: string) => boolean {
  const [start, end] = [Date.parse(window.start), Date.parse(window.end)];
  return (startedAt) => {
    const instant = Date.parse(startedAt);
    return instant >= start && instant < end;
  };
}
