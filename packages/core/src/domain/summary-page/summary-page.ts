import { groupDigits } from "../money/index.ts";
import {
  caveats,
  changeText,
  MONEY_RULE,
  type MonthTotals,
  monthTotalsOf,
  plainlyComplete,
  previousMonthOf,
  type ReportHead,
  stateSentence,
  trendOf,
} from "../report/index.ts";
import { OUTCOMES, type Outcome } from "../sessions/index.ts";

/** The outcomes under the names finance reads (the workbook's About sheet names the API's values). */
export const OUTCOME_NAMES: Record<Outcome, string> = {
  charged_from_solar: "Charged from solar",
  no_surplus: "No solar surplus",
  steering_ineffective: "Steering without effect",
  aborted: "Aborted",
  unknown: "Outcome unknown",
};

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "October 2026" for "2026-10". */
export function monthName(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return `${MONTH_NAMES[number - 1]} ${year}`;
}

/** "Oct 26" for "2026-10": a chart's axis label. */
const shortMonth = (month: string) => `${monthName(month).slice(0, 3)} ${month.slice(2, 4)}`;

export interface HeadlineRow {
  label: string;
  value: string;
  /** Last month's value; "n/a" where its report does not state it; null where no report of last month was found. */
  previous: string | null;
  /** The exact change from last month ("+65.74 EUR (+3.9 %)"). */
  change: string | null;
}

export interface TrendPoint {
  month: string;
  label: string;
  savingsEur: number;
  energyFromSolarKwh: number;
  complete: boolean;
}

/** The one-page summary of a month's report, as text and numbers to lay out: no PDF in it. */
export interface SummaryPage {
  title: string;
  complete: boolean;
  /** COMPLETE: all … / INCOMPLETE: n of m wallboxes could not be read … */
  state: string;
  period: string;
  /** "September 2026", or null where last month's report was not found. */
  previousMonth: string | null;
  headline: HeadlineRow[];
  /** Up to 13 months, oldest first, this one last. */
  trend: TrendPoint[];
  outcomes: { name: string; sessions: string; share: string }[];
  caveats: string[];
  money: string;
  footer: string;
  /** The report's generation time: the document's own date, so the same report gives the same bytes. */
  generatedAt: string;
}

export interface SummaryPageInput {
  report: ReportHead;
  wallboxes: { count: number; failed: number };
  /** How the organisation is named: the stage's label, else the Partner API's name; its id when neither is known. */
  orgLabel?: string;
  /** Earlier months' totals (latest first), where their reports were found. */
  earlierMonths?: readonly MonthTotals[];
  source: string;
}

/** The month's headline, outcomes, trend, caveats and money statement, for the one-page summary. */
export function summaryPage(input: SummaryPageInput): SummaryPage {
  const { report, wallboxes } = input;
  const { totals } = report;
  const org = input.orgLabel ?? report.orgId;
  const previous = previousMonthOf(report.month, input.earlierMonths);
  const read = wallboxes.count - wallboxes.failed;
  const readBefore =
    previous && previous.wallboxes !== null && previous.failedWallboxes !== null ? previous.wallboxes - previous.failedWallboxes : undefined;
  const row = (label: string, value: string, before: string | undefined, places: number, unit?: string): HeadlineRow => ({
    label,
    value: `${groupDigits(value)}${unit ? ` ${unit}` : ""}`,
    // Last month's report was found but does not state this figure (a JSON report's head has no wallbox counts): n/a.
    previous: before === undefined ? (previous ? "n/a" : null) : `${groupDigits(before)}${unit ? ` ${unit}` : ""}`,
    change: before === undefined ? null : changeText(value, before, places, unit),
  });
  const share = (count: number) => (totals.sessions === 0 ? "n/a" : `${((count / totals.sessions) * 100).toFixed(1)} %`);
  const months = trendOf(monthTotalsOf(report, wallboxes), input.earlierMonths);
  return {
    title: `${org}: HEMS savings report, ${monthName(report.month)}`,
    // Stands out unless plainly COMPLETE: a report that covers fewer wallboxes than Podero counts must be noticed too.
    complete: plainlyComplete(report),
    state: report.complete
      ? stateSentence(report, wallboxes)
      : `${stateSentence(report, wallboxes)} The totals cover only the wallboxes read. A rerun or the catch-up run replaces this report once they can be read.`,
    period: `${report.month} in ${report.timezone}, from ${report.window.start} up to, not including, ${report.window.end}.`,
    previousMonth: previous ? monthName(previous.month) : null,
    headline: [
      row("Savings", totals.savingsEur, previous?.savingsEur, 2, "EUR"),
      row("Energy from solar", totals.energyFromSolarKwh, previous?.energyFromSolarKwh, 3, "kWh"),
      row("Sessions", String(totals.sessions), previous ? String(previous.sessions) : undefined, 0),
      {
        ...row("Wallboxes read", String(read), readBefore === undefined ? undefined : String(readBefore), 0),
        value: `${groupDigits(String(read))} of ${groupDigits(String(wallboxes.count))}`,
      },
    ],
    trend: months.slice(-13).map((month) => ({
      month: month.month,
      label: shortMonth(month.month),
      savingsEur: Number(month.savingsEur),
      energyFromSolarKwh: Number(month.energyFromSolarKwh),
      complete: month.complete,
    })),
    outcomes: OUTCOMES.map((outcome) => ({
      name: OUTCOME_NAMES[outcome],
      sessions: groupDigits(String(totals.outcomes[outcome])),
      share: share(totals.outcomes[outcome]),
    })),
    caveats: caveats(totals, report.caveats),
    money: `${MONEY_RULE} Each wallbox is rounded to the cent once; every total is the exact sum of the rounded wallbox figures.`,
    footer: `Generated ${report.generatedAt} from the ${input.source}. The workbook has every wallbox and session; its About sheet states the rules behind every figure.`,
    generatedAt: report.generatedAt,
  };
}
