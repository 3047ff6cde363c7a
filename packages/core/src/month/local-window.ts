import { MonthError } from "./index.ts";

/**
 * A month in a timezone: the instants from local midnight on its first day to local midnight on
 * the next month's first day, and the UTC days the Partner API must be asked for to cover them
 * (its `from`/`to` are inclusive UTC days). A session belongs to the month in which it started,
 * in that timezone.
 */
export interface LocalMonthWindow {
  month: string;
  /** An IANA timezone, for example `Europe/Vienna`; `UTC` keeps the month's own UTC days. */
  timeZone: string;
  /** The first instant of the month (ISO, UTC), inclusive. */
  start: string;
  /** The first instant of the next month (ISO, UTC), exclusive. */
  end: string;
  /** The UTC days to ask the API for: the day of `start` to the day of the month's last instant, inclusive. */
  queryFrom: string;
  queryTo: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Checks the timezone's name (an `Intl` one, as IANA names it); a wrong one is a `MonthError` naming it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw new MonthError(`timezone "${timeZone}" is not an IANA timezone (for example Europe/Vienna or UTC)`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far the timezone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  const wallClock = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wallClock - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the local day `year-monthIndex-01` begins: its midnight, or, where the
 * clocks skip midnight that day, the first instant that exists.
 */
function localMonthStart(year: number, monthIndex: number, timeZone: string): number {
  const wallClock = Date.UTC(year, monthIndex, 1);
  // The offset before and after a change of the clocks can differ: try both, keep the one that reads back as that midnight.
  const first = wallClock - offsetAt(wallClock, timeZone);
  const second = wallClock - offsetAt(first, timeZone);
  const candidates = [first, second].filter((instant) => instant + offsetAt(instant, timeZone) === wallClock);
  return candidates.length ? Math.min(...candidates) : Math.max(first, second);
}

const day = (instant: number) => new Date(instant).toISOString().slice(0, 10);

/** The month `YYYY-MM` in `timeZone` (see `LocalMonthWindow`). */
export function localMonthWindow(month: string, timeZone: string): LocalMonthWindow {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12)
    throw new MonthError(`month "${month}" is not of the form YYYY-MM (for example 2026-10)`);
  const [year, monthIndex] = [Number(match[1]), Number(match[2]) - 1];
  const start = localMonthStart(year, monthIndex, timeZone);
  const end = localMonthStart(monthIndex === 11 ? year + 1 : year, (monthIndex + 1) % 12, timeZone);
  return {
    month,
    timeZone,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    queryFrom: day(start),
    queryTo: day(end - 1),
  };
}

/** Whether a session that started at `startedAt` (ISO with an offset) belongs to the window's month. */
export function startsWithin(startedAt: string, window: LocalMonthWindow): boolean {
  const instant = Date.parse(startedAt);
  return instant >= Date.parse(window.start) && instant < Date.parse(window.end);
}
