import { groupDigits } from "../money/index.ts";
import type { Coverage } from "../org/index.ts";
import { plural } from "./caveats.ts";
import type { ReportHead } from "./schema.ts";

/**
 * What the report does not cover of the org as Podero counts it, as a clause ("Podero lists 24
 * more for this org that this report does not cover"), or undefined when it covers all of it.
 */
export function coverageClause(coverage: Coverage): string | undefined {
  if (coverage.notCheckedBecause !== null) return `whether Podero lists more for this org could not be checked (${coverage.notCheckedBecause})`;
  if (coverage.notCovered === 0) return undefined;
  return `Podero lists ${groupDigits(coverage.notCovered)} more for this org that this report does not cover`;
}

/** Whether the report may say a plain COMPLETE: every wallbox read, and every one Podero counts for the org covered. */
export const plainlyComplete = (report: Pick<ReportHead, "complete" | "coverage">) =>
  report.complete && coverageClause(report.coverage) === undefined;

/**
 * The report's state in one sentence, the same in every file and message: COMPLETE only when
 * every wallbox was read and the report covers every wallbox Podero counts for the org;
 * "COMPLETE for the N configured wallboxes; …" when it covers fewer; INCOMPLETE when a wallbox
 * could not be read or a user's wallboxes could not be listed.
 */
export function stateSentence(report: Pick<ReportHead, "complete" | "coverage">, wallboxes: { count: number; failed: number }): string {
  const { coverage } = report;
  const uncovered = coverageClause(coverage);
  if (!report.complete) {
    const reasons = [
      ...(wallboxes.failed > 0 ? [`${groupDigits(wallboxes.failed)} of ${plural(wallboxes.count, "wallbox", "wallboxes")} could not be read`] : []),
      ...(coverage.usersNotListed > 0 ? [`the wallboxes of ${plural(coverage.usersNotListed, "user")} could not be listed`] : []),
      ...(uncovered ? [uncovered] : []),
    ];
    return `INCOMPLETE: ${reasons.join("; ")}.`;
  }
  if (!uncovered) return `COMPLETE: all ${plural(wallboxes.count, "wallbox was", "wallboxes were")} read.`;
  const which = coverage.wallboxesFrom === "config" ? "configured" : "listed";
  return `COMPLETE for the ${plural(wallboxes.count, `${which} wallbox`, `${which} wallboxes`)}; ${uncovered}.`;
}
