import { groupDigits, parseDecimal, roundEur } from "../money/index.ts";
import type { CaveatSavings } from "../summary/index.ts";
import type { FiguresJson } from "./schema.ts";

/** "1 session was", "17 sessions were": a count, digits grouped, and the words that agree with it. */
export const plural = (count: number, one: string, many = `${one}s`) => `${groupDigits(count)} ${count === 1 ? one : many}`;
const euros = (exact: string) => `${groupDigits(roundEur(parseDecimal(exact)))} EUR`;

/**
 * The data-quality caveats of a month's figures, in words, and in money where the savings behind
 * them are known (none when the figures are clean): the Summary and the finance email say them alike.
 */
export function caveats(totals: FiguresJson, money?: CaveatSavings): string[] {
  const lines: string[] = [];
  if (totals.openSessions > 0) {
    const what = money ? `their ${euros(money.open)} of savings may still change` : "their figures may still change";
    lines.push(`${plural(totals.openSessions, "session was", "sessions were")} still open when read: ${what}.`);
  }
  if (totals.sessionsWithIncompletePriceCoverage > 0) {
    const what = money ? `their ${euros(money.incompletePriceCoverage)} of savings may be understated` : "their savings may be understated";
    lines.push(`${plural(totals.sessionsWithIncompletePriceCoverage, "session had", "sessions had")} incomplete price coverage: ${what}.`);
  }
  if (totals.sessionsWithoutSavings > 0) {
    lines.push(`${plural(totals.sessionsWithoutSavings, "session had", "sessions had")} no savings value: they add nothing to the savings total.`);
  }
  if (totals.sessionsStartedOutsidePeriod > 0) {
    lines.push(
      `${plural(totals.sessionsStartedOutsidePeriod, "session started", "sessions started")} outside the month's days; they are counted because the Partner API returned them for the month.`,
    );
  }
  return lines;
}
