import { groupDigits, parseDecimal, ZERO } from "../money/index.ts";

/** A month's headline figures, as an earlier report (its JSON head, or its manifest) states them. */
export interface MonthTotals {
  month: string;
  complete: boolean;
  /** Null where the source does not say without reading every wallbox (a JSON report's head). */
  wallboxes: number | null;
  failedWallboxes: number | null;
  sessions: number;
  savingsEur: string;
  energyFromSolarKwh: string;
}

const HUNDRED = parseDecimal("100");

/** The Trend sheet lists this many months before the report's own. */
export const TREND_MONTHS = 12;

/** The `count` months before `month`, latest first: "2026-10" → "2026-09", "2026-08", … */
export function monthsBefore(month: string, count: number): string[] {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, index) => {
    const total = year * 12 + (number - 1) - (index + 1);
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
  });
}

/** The change of a decimal figure from the previous month, exactly, in words: "+50.09 EUR (+2.9 %)". */
export function changeText(current: string, previous: string, places: number, unit: string): string {
  const before = parseDecimal(previous);
  const difference = parseDecimal(current).minus(before);
  const sign = difference.gt(ZERO) ? "+" : difference.lt(ZERO) ? "-" : "±";
  const percent = before.eq(ZERO) ? "" : ` (${sign}${difference.abs().div(before.abs()).times(HUNDRED).toFixed(1)} %)`;
  return `${sign}${groupDigits(difference.abs().toFixed(places))} ${unit}${percent}`;
}
