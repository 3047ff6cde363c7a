import { parseDecimal, roundHalfAwayFromZero, ZERO } from "../money/index.ts";
import type { FiguresJson, Kpis } from "./schema.ts";

/** numerator ÷ denominator as decimal text with 4 decimals, rounded once; null where the denominator is 0. */
export function ratio(numerator: string | number, denominator: string | number): string | null {
  const below = parseDecimal(String(denominator));
  if (below.eq(ZERO)) return null;
  // big.js divides to 20 decimals; that quotient is rounded once, to 4.
  return roundHalfAwayFromZero(parseDecimal(String(numerator)).div(below), 4);
}

/**
 * The KPIs of a month's totals, as the JSON states them (see `KPI_DEFINITIONS`): null where the
 * denominator is 0. The Summary's formulas compute the same ratios and show 0 there instead,
 * since a spreadsheet cell has no null.
 */
export function kpisOf(totals: FiguresJson): Kpis {
  return {
    shareOfSessionsChargedFromSolar: ratio(totals.outcomes.charged_from_solar, totals.sessions),
    commandApplicationRate: ratio(totals.commandsApplied, totals.commandsSent),
    savingsPerKwhFromSolarEur: ratio(totals.savingsEur, totals.energyFromSolarKwh),
    averageSavingsPerSessionEur: ratio(totals.savingsEur, totals.sessions),
  };
}
