import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CoverageGap, OrgReader, OrgUser } from "../domain/org/index.ts";
import { WallboxReadError } from "../domain/sessions/index.ts";
import { listWallboxesOf } from "./discover.ts";

const users: OrgUser[] = Array.from({ length: 6 }, (_, index) => ({ userId: `u-${index}`, externalUserId: null, numWallboxes: 1 }));

describe("discovery's time limit", () => {
  it("makes the users not listed by the step's time limit failed lines, and keeps those listed before it", async () => {
    const deadline = new AbortController();
    const reader: OrgReader = {
      async *users() {
        yield* [];
      },
      async userWallboxes(_orgId, userId) {
        if (userId === "u-3") deadline.abort(new Error("time is up"));
        if (deadline.signal.aborted) throw new WallboxReadError("the request was aborted");
        return [{ wallboxId: `w-${userId}`, userId, externalDeviceId: null, manufacturer: null, model: null, deleted: false }];
      },
    };
    async function* batch() {
      yield* users;
    }
    const gaps: CoverageGap[] = [];
    const counts = await listWallboxesOf(batch(), reader, "org", new PassThrough(), {
      concurrency: 1,
      gaps: async (gap) => void gaps.push(gap),
      deadline: deadline.signal,
    });
    expect(counts.listedWallboxes).toBe(3);
    expect(counts.coverage).toMatchObject({ usersNotListed: 3, notCovered: 3 });
    expect(gaps.map((gap) => gap.userId)).toEqual(["u-3", "u-4", "u-5"]);
    expect(gaps[0]!.detail).toMatch(/not listed: the batch reached its time limit .*raise HEMS_SHARD_CONCURRENCY/);
  });
});
