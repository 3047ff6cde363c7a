import { MonthError } from "../../shared/errors/index.ts";

export { MonthError } from "../../shared/errors/index.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a timezone's wall clock; a name `Intl` does not know (IANA's) is a `MonthError` naming it. */
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

/**
 * A timezone's name as IANA writes it (`europe/vienna` → `Europe/Vienna`, `Etc/UTC` → `UTC`), so
 * reports, headers and schedules name it one way; a name `Intl` does not know is a `MonthError`.
 */
export function canonicalTimeZone(timeZone: string): string {
  return formatterFor(timeZone).resolvedOptions().timeZone;
}

/** Whether `Intl` knows the timezone's name (IANA's, for example Europe/Vienna, or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at `instant` (whole seconds), as the fields of a UTC time. */
function wallClockAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** How far the timezone's wall clock is ahead of UTC at `instant`, in milliseconds. */
export function offsetAt(instant: number, timeZone: string): number {
  if (timeZone === "UTC") return 0;
  return wallClockAt(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/** Offsets already asked for, by timezone and minute: a month's sessions fall in few minutes' offsets, and `Intl` is slow. */
const offsetsByMinute = new Map<string, Map<number, number>>();
const MINUTES_REMEMBERED = 100_000;

/**
 * The wall-clock time of `instant` in `timeZone`, as a Date whose UTC fields show it: what a
 * spreadsheet cell, which has no timezone, should display. (Clocks change on whole minutes, so
 * an offset holds for its whole minute.)
 */
export function wallClockDate(instant: number, timeZone: string): Date {
  if (timeZone === "UTC") return new Date(instant);
  let offsets = offsetsByMinute.get(timeZone);
  if (!offsets || offsets.size > MINUTES_REMEMBERED) {
    offsets = new Map();
    offsetsByMinute.set(timeZone, offsets);
  }
  const minute = Math.floor(instant / 60_000);
  let offset = offsets.get(minute);
  if (offset === undefined) {
    offset = offsetAt(minute * 60_000, timeZone);
    offsets.set(minute, offset);
  }
  return new Date(instant + offset);
}

/** `YYYY-MM` of the month `instant` falls in, in `timeZone`. */
export function monthAt(instant: number, timeZone: string): string {
  return wallClockDate(instant, timeZone).toISOString().slice(0, 7);
}

/** An instant as ISO 8601 with the timezone's offset there, for example `2026-10-01T00:00:00+02:00`: exact, and as people there read it. */
export function isoWithOffset(instant: number, timeZone: string): string {
  const offset = offsetAt(instant, timeZone);
  if (timeZone === "UTC") return `${new Date(instant).toISOString().slice(0, 19)}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset > 0 ? "+" : "-";
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${new Date(instant + offset).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** `YYYY-MM-DD hh:mm` on the timezone's wall clock, for sentences. */
export function localTimeText(instant: number, timeZone: string): string {
  return wallClockDate(instant, timeZone).toISOString().slice(0, 16).replace("T", " ");
}
