import { z } from "zod";
import { groupDigits } from "../money/index.ts";

const count = z.number().int().nonnegative();

/**
 * How far the report covers the organisation's wallboxes, as the Partner API's users list counts
 * them (`num_wallboxes`), counted. A config that lags the org lists fewer wallboxes than Podero
 * does: the report is then complete for what it lists, never a plain COMPLETE.
 */
export const coverageSchema = z
  .object({
    wallboxesFrom: z
      .enum(["config", "partner-api"])
      .describe("Where the run's wallbox list came from: a config someone maintains, or the Partner API's users and their wallboxes"),
    notCheckedBecause: z
      .string()
      .nullable()
      .describe("Why the org's users list could not be read to check the coverage, or null when it was checked"),
    orgUsers: count.nullable().describe("The users the org's users list holds; null when not checked"),
    declaredWallboxes: count
      .nullable()
      .describe("The sum of the users' num_wallboxes: the wallboxes Podero lists for the org; null when not checked"),
    deletedWallboxes: count
      .nullable()
      .describe("Wallboxes the users' wallbox lists mark deleted (deleted_at set): left out; null when the list came from a config"),
    notCovered: count.describe(
      "Wallboxes Podero lists for the org that this report does not cover: over every user, its num_wallboxes less the wallboxes reported for it, where that is above 0",
    ),
    usersNotListed: count.describe(
      "Users whose wallboxes could not be listed (their wallboxes are not covered, and the report is incomplete); 0 when the list came from a config",
    ),
    gaps: count.describe("The Data quality lines about coverage: one per user whose wallboxes reported differ from their num_wallboxes"),
  })
  .describe("How far the report covers the org's wallboxes as Podero counts them");
export type Coverage = z.infer<typeof coverageSchema>;

/** What a coverage line is about, as the Data quality sheet names it. */
export const COVERAGE_ISSUES = {
  notListed: "Wallboxes not listed",
  notCovered: "Wallboxes not covered",
  notCounted: "More than Podero counts",
} as const;
export type CoverageIssue = (typeof COVERAGE_ISSUES)[keyof typeof COVERAGE_ISSUES];

/** One user whose wallboxes in the report differ from what Podero counts for them: a line of Data quality. */
export const coverageGapSchema = z.object({
  issue: z.enum([COVERAGE_ISSUES.notListed, COVERAGE_ISSUES.notCovered, COVERAGE_ISSUES.notCounted]),
  userId: z.string(),
  externalUserId: z.string().nullable(),
  /** The user's `num_wallboxes`; null for a user the org's users list does not hold. */
  declared: count.nullable(),
  /** The user's wallboxes the report lists. */
  covered: count,
  detail: z.string(),
});
export type CoverageGap = z.infer<typeof coverageGapSchema>;

/** One user as the check sees it: what Podero counts, and what the report covers. */
export interface UserCoverage {
  userId: string;
  externalUserId: string | null;
  /** `num_wallboxes`; null for a user the org's users list does not hold (a config may name one). */
  declared: number | null;
  covered: number;
  /** Set when the user's wallboxes could not be listed: the report covers none of them. */
  notListedBecause?: string;
}

const wallboxes = (count: number) => `${groupDigits(count)} ${count === 1 ? "wallbox" : "wallboxes"}`;

/**
 * Compares, user by user, the wallboxes Podero counts with the wallboxes the report covers, and
 * counts the difference. Each user whose two numbers differ gives one gap line (`add` answers it);
 * `result` gives the counts. Pure: the caller reads the users and stores the lines.
 */
export class CoverageTally {
  private users = 0;
  private declared = 0;
  private notCovered = 0;
  private notListed = 0;
  private gaps = 0;

  constructor(
    private readonly wallboxesFrom: Coverage["wallboxesFrom"],
    private deleted: number | null = null,
  ) {}

  add(user: UserCoverage): CoverageGap | undefined {
    if (user.declared !== null) {
      this.users++;
      this.declared += user.declared;
    }
    const declared = user.declared ?? 0;
    this.notCovered += Math.max(0, declared - user.covered);
    const line = (issue: CoverageGap["issue"], detail: string): CoverageGap => {
      this.gaps++;
      return { issue, userId: user.userId, externalUserId: user.externalUserId, declared: user.declared, covered: user.covered, detail };
    };
    if (user.notListedBecause !== undefined) {
      this.notListed++;
      return line(
        COVERAGE_ISSUES.notListed,
        `The user's wallboxes could not be listed (${user.notListedBecause}): the ${wallboxes(declared)} Podero counts for the user are not in this report.`,
      );
    }
    if (user.declared === null) {
      return line(
        COVERAGE_ISSUES.notCounted,
        `The org's users list does not hold this user, yet the report covers ${wallboxes(user.covered)} of theirs: check that the wallbox list belongs to this org.`,
      );
    }
    if (user.covered < user.declared) {
      return line(
        COVERAGE_ISSUES.notCovered,
        `Podero counts ${wallboxes(user.declared)} for the user (num_wallboxes); this report covers ${groupDigits(user.covered)}: ${wallboxes(user.declared - user.covered)} not covered.`,
      );
    }
    if (user.covered > user.declared) {
      return line(
        COVERAGE_ISSUES.notCounted,
        `Podero counts ${wallboxes(user.declared)} for the user (num_wallboxes); this report covers ${groupDigits(user.covered)}, all of them read as any other.`,
      );
    }
    return undefined;
  }

  /** The tally so far; the users list having been read whole. */
  result(): Coverage {
    return {
      wallboxesFrom: this.wallboxesFrom,
      notCheckedBecause: null,
      orgUsers: this.users,
      declaredWallboxes: this.declared,
      deletedWallboxes: this.deleted,
      notCovered: this.notCovered,
      usersNotListed: this.notListed,
      gaps: this.gaps,
    };
  }

  /** Deleted wallboxes counted while the users' lists were read. */
  countDeleted(deleted: number): void {
    this.deleted = (this.deleted ?? 0) + deleted;
  }
}

/** A config's coverage that could not be checked: the org's users list could not be read. */
export function uncheckedCoverage(reason: string): Coverage {
  return {
    wallboxesFrom: "config",
    notCheckedBecause: reason,
    orgUsers: null,
    declaredWallboxes: null,
    deletedWallboxes: null,
    notCovered: 0,
    usersNotListed: 0,
    gaps: 0,
  };
}

/** Two tallies of one org's coverage (of different users) as one: the counts add up. */
export function addCoverage(a: Coverage, b: Coverage): Coverage {
  const sum = (x: number | null, y: number | null) => (x === null && y === null ? null : (x ?? 0) + (y ?? 0));
  return {
    wallboxesFrom: a.wallboxesFrom,
    notCheckedBecause: a.notCheckedBecause ?? b.notCheckedBecause,
    orgUsers: sum(a.orgUsers, b.orgUsers),
    declaredWallboxes: sum(a.declaredWallboxes, b.declaredWallboxes),
    deletedWallboxes: sum(a.deletedWallboxes, b.deletedWallboxes),
    notCovered: a.notCovered + b.notCovered,
    usersNotListed: a.usersNotListed + b.usersNotListed,
    gaps: a.gaps + b.gaps,
  };
}
