import type { WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import type { Session, SessionSource } from "../sessions/index.ts";
import { qualityFlags } from "../summary/index.ts";

/**
 * One line of the Data quality sheet about a session, as plain values (times as the API's ISO
 * text), so a shard can store its lines and the merge can list them without reading every
 * session again: issue, wallbox label, wallbox id, session id, started at, detail.
 */
export type QualityIssue = [issue: string, label: string | null, wallboxId: string, sessionId: number, startedAt: string, detail: string];

/** The Data quality lines of the sessions of one wallbox, in the order the sheet lists them. */
export function sessionQualityIssues(wallbox: WallboxRef, sessions: readonly Session[], window: MonthWindow): QualityIssue[] {
  const issues: QualityIssue[] = [];
  for (const session of sessions) {
    const flags = qualityFlags(session, window);
    const issue = (name: string, detail: string): QualityIssue => [
      name,
      wallbox.label ?? null,
      wallbox.wallboxId,
      session.id,
      session.startedAt,
      detail,
    ];
    if (flags.startedOutsidePeriod) {
      issues.push(
        issue("Started outside the period", `started ${session.startedAt}; counted in ${window.month} because the API returned it for this period`),
      );
    }
    if (flags.withoutSavings) issues.push(issue("No savings value", "savings_eur is null: adds nothing to the savings total"));
    if (flags.incompletePriceCoverage) {
      issues.push(
        issue(
          "Incomplete price coverage",
          `has_complete_price_coverage is ${session.hasCompletePriceCoverage === null ? "null" : "false"}: savings may be understated`,
        ),
      );
    }
    if (flags.open) issues.push(issue("Open session", "ended_at is null: still running when read; its figures may still change"));
  }
  return issues;
}

/** Where the session lines of the Data quality sheet come from, in report order. */
export type QualityIssueSource = () => AsyncIterable<QualityIssue>;

/** The lines computed from the sessions themselves (one more pass over them). */
export function qualityIssuesOf(sessions: SessionSource, window: MonthWindow): QualityIssueSource {
  return async function* () {
    for await (const { wallbox, sessions: list } of sessions()) yield* sessionQualityIssues(wallbox, list, window);
  };
}
