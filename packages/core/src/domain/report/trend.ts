import { parseDecimal, signedDifference, ZERO } from "../money/index.ts";

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

/** The change of a decimal figure from the previous month, exactly, in words: "+50.09 EUR (+2.9 %)"; a count has no unit. */
export function changeText(current: string, previous: string, places: number, unit?: string): string {
  const difference = signedDifference(current, previous, places);
  const before = parseDecimal(previous);
  const ratio = before.eq(ZERO) ? undefined : parseDecimal(current).minus(before).abs().div(before.abs()).times(HUNDRED).toFixed(1);
  return `${difference}${unit ? ` ${unit}` : ""}${ratio === undefined ? "" : ` (${difference[0]}${ratio} %)`}`;
}

/** Earlier months' totals (latest first) and this month's, as the Trend lists them: oldest first, this month last. */
export function trendOf(month: MonthTotals, earlierMonths: readonly MonthTotals[] = []): MonthTotals[] {
  return [...earlierMonths].reverse().concat(month);
}

/** A report's own month as the Trend lists it, beside the earlier months' totals. */
export function monthTotalsOf(
  report: { month: string; complete: boolean; totals: { sessions: number; savingsEur: string; energyFromSolarKwh: string } },
  wallboxes: { count: number; failed: number },
): MonthTotals {
  const { sessions, savingsEur, energyFromSolarKwh } = report.totals;
  return {
    month: report.month,
    complete: report.complete,
    wallboxes: wallboxes.count,
    failedWallboxes: wallboxes.failed,
    sessions,
    savingsEur,
    energyFromSolarKwh,
  };
}

/** The month just before `month` among earlier months' totals, where its report was found. */
export function previousMonthOf(month: string, earlierMonths: readonly MonthTotals[] = []): MonthTotals | undefined {
  const [before] = monthsBefore(month, 1);
  return earlierMonths.find((earlier) => earlier.month === before);
}
