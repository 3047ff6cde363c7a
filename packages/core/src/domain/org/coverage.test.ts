import { describe, expect, it } from "vitest";
import { COVERAGE_ISSUES, CoverageTally } from "./coverage.ts";

const user = (n: number) => ({ userId: `u-${n}`, externalUserId: n % 2 ? `CUST-${n}` : null });

describe("the coverage tally", () => {
  it("counts what Podero lists that the report does not cover, user by user, and a line for each user whose numbers differ", () => {
    const tally = new CoverageTally("config");
    expect(tally.add({ ...user(1), declared: 2, covered: 2 })).toBeUndefined();
    expect(tally.add({ ...user(2), declared: 3, covered: 1 })).toMatchObject({
      issue: COVERAGE_ISSUES.notCovered,
      declared: 3,
      covered: 1,
      detail: "Podero counts 3 wallboxes for the user (num_wallboxes); this report covers 1: 2 wallboxes not covered.",
    });
    // More reported than counted adds nothing to what is missing; a user the list does not hold is named.
    expect(tally.add({ ...user(3), declared: 1, covered: 2 })?.issue).toBe(COVERAGE_ISSUES.notCounted);
    expect(tally.add({ ...user(4), declared: null, covered: 1 })?.detail).toMatch(/users list does not hold this user/);
    expect(tally.add({ ...user(5), declared: 4, covered: 0, notListedBecause: "HTTP 500" })).toMatchObject({ issue: COVERAGE_ISSUES.notListed });
    expect(tally.result()).toEqual({
      wallboxesFrom: "config",
      notCheckedBecause: null,
      orgUsers: 4,
      declaredWallboxes: 10,
      deletedWallboxes: null,
      notCovered: 6,
      usersNotListed: 1,
      gaps: 4,
    });
  });
});
