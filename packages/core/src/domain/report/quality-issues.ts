import type { WallboxRef } from "../config/index.ts";
import { localTimeText, type MonthWindow, monthAt } from "../month/index.ts";
import type { Session, SessionSource } from "../sessions/index.ts";
import { qualityFlags } from "../summary/index.ts";

/**
 * One line of the Data quality sheet about a session, as plain values (times as the API's ISO
 * text), so a shard can store its lines and the merge can list them without reading every
 * session again: issue, wallbox label, wallbox id, session id, started at, detail, and the EUR at
 * stake (the session's savings as the API gave them, where the issue concerns them; null where
 * there are none).
 */
export type QualityIssue = [
  issue: string,
  label: string | null,
  wallboxId: string,
  sessionId: number,
  startedAt: string,
  detail: string,
  atStakeEur: string | null,
];

const lineOf = (wallbox: WallboxRef, session: Session, name: string, detail: string): QualityIssue => [
  name,
  wallbox.label ?? null,
  wallbox.wallboxId,
  session.id,
  session.startedAt,
  detail,
  session.savingsEur,
];

/** The issue name of a session the API returned that belongs to a neighbouring month. */
export const OUTSIDE_MONTH_ISSUE = "Not in this month";

/**
 * The Data quality lines of the sessions a wallbox's query returned that started in a
 * neighbouring month: they count in no figure, and these lines say so, one a session.
 */
export function outsideMonthIssues(wallbox: WallboxRef, outside: readonly Session[], window: MonthWindow): QualityIssue[] {
  return outside.map((session) => {
    const instant = Date.parse(session.startedAt);
    const local = window.timeZone === "UTC" ? "" : ` (${localTimeText(instant, window.timeZone)} ${window.timeZone})`;
    return lineOf(
      wallbox,
      session,
      OUTSIDE_MONTH_ISSUE,
      `started ${session.startedAt}${local}, so it belongs to ${monthAt(instant, window.timeZone)}: not counted in ${window.month}, though the API returned it for the UTC days ${window.from} to ${window.to}`,
    );
  });
}

/** The Data quality lines of the sessions of one wallbox's month, in the order the sheet lists them. */
export function sessionQualityIssues(wallbox: WallboxRef, sessions: readonly Session[]): QualityIssue[] {
  const issues: QualityIssue[] = [];
  for (const session of sessions) {
    const flags = qualityFlags(session);
    const issue = (name: string, detail: string) => lineOf(wallbox, session, name, detail);
    if (flags.withoutSavings)
      issues.push(issue("No savings value", "The API gave no savings for this session (savings_eur is null): it adds nothing to the savings total."));
    if (flags.incompletePriceCoverage) {
      issues.push(
        issue(
          "Incomplete price coverage",
          `Prices did not cover the whole session (has_complete_price_coverage is ${session.hasCompletePriceCoverage === null ? "null" : "false"}): its savings may be understated.`,
        ),
      );
    }
    if (flags.open) issues.push(issue("Open session", "Still charging when read (ended_at is null): its figures may still change."));
  }
  return issues;
}

/** Where the session lines of the Data quality sheet come from, in report order. */
export type QualityIssueSource = () => AsyncIterable<QualityIssue>;

/** The lines computed from the month's sessions themselves (one more pass over them). */
export function qualityIssuesOf(sessions: SessionSource): QualityIssueSource {
  return async function* () {
    for await (const { wallbox, sessions: list } of sessions()) yield* sessionQualityIssues(wallbox, list);
  };
}
