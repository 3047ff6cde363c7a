import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { OrgReader, OrgUser } from "../domain/org/index.ts";
import { WallboxReadError } from "../domain/sessions/index.ts";
import { DiscoveryError } from "../shared/errors/index.ts";
import { listWallboxesOf } from "./discover.ts";

const users: OrgUser[] = Array.from({ length: 6 }, (_, index) => ({ userId: `u-${index}`, externalUserId: null, numWallboxes: 1 }));

describe("discovery's time limit", () => {
  it("stops the run when the step's time runs out, rather than report the users not yet listed as failed", async () => {
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
    const found = listWallboxesOf(batch(), reader, "org", new PassThrough(), {
      concurrency: 1,
      gaps: async () => undefined,
      deadline: deadline.signal,
    });
    await expect(found).rejects.toThrow(DiscoveryError);
    await expect(found).rejects.toThrow(/could not all be listed in the step's time \(\d+ users so far, 1 at a time\)/);
  });
});
