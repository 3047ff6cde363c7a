import { groupDigits } from "../money/index.ts";
import type { FiguresJson, MonthlyReport } from "./schema.ts";

/** "1 session was", "17 sessions were": a count, digits grouped, and the words that agree with it. */
export const plural = (count: number, one: string, many = `${one}s`) => `${groupDigits(count)} ${count === 1 ? one : many}`;
const euros = (cents: string) => `${groupDigits(cents)} EUR`;

/**
 * The data-quality caveats of a month's figures, in words, and in money where the savings behind
 * them are known (none when the figures are clean): the Summary and the finance email say them alike.
 */
export function caveats(totals: FiguresJson, money: MonthlyReport["caveats"]): string[] {
  const lines: string[] = [];
  if (totals.openSessions > 0) {
    const open = money.openSessionsSavingsEur;
    const what = open !== null ? `their ${euros(open)} of savings may still change` : "their figures may still change";
    lines.push(`${plural(totals.openSessions, "session was", "sessions were")} still open when read: ${what}.`);
  }
  if (totals.sessionsWithIncompletePriceCoverage > 0) {
    const incomplete = money.incompletePriceCoverageSavingsEur;
    const what = incomplete !== null ? `their ${euros(incomplete)} of savings may be understated` : "their savings may be understated";
    lines.push(`${plural(totals.sessionsWithIncompletePriceCoverage, "session had", "sessions had")} incomplete price coverage: ${what}.`);
  }
  if (totals.sessionsWithoutSavings > 0) {
    lines.push(`${plural(totals.sessionsWithoutSavings, "session had", "sessions had")} no savings value: they add nothing to the savings total.`);
  }
  if (totals.sessionsOutsideMonth > 0) {
    lines.push(
      `${plural(totals.sessionsOutsideMonth, "session", "sessions")} the Partner API returned for the query days started in a neighbouring month: they are not counted in any figure, and Data quality lists them.`,
    );
  }
  return lines;
}
