import { join } from "node:path";
import { localWorkStore } from "@hems-reports/core/adapters/local/work-folder";
import { monthWindow } from "@hems-reports/core/domain/month";
import type { OrgReader, OrgUser, OrgWallbox } from "@hems-reports/core/domain/org";
import { discoverBatch, planDiscovered, planDiscovery } from "@hems-reports/core/pipeline";
import { RunLimitError } from "@hems-reports/core/shared/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { temporaryFolder } from "../support/cli.ts";

/** An org of users as the Partner API lists them, each with one wallbox (a fake: these steps' own logic is the subject). */
function orgOf(users: OrgUser[]): OrgReader {
  return {
    async *users() {
      yield* users;
    },
    async userWallboxes(_orgId, userId): Promise<OrgWallbox[]> {
      return [{ wallboxId: userId.replace(/^1{8}/, "22222222"), userId, externalDeviceId: null, manufacturer: null, model: null, deleted: false }];
    },
  };
}
const user = (n: number, numWallboxes = 1): OrgUser => ({
  userId: `11111111-1111-4111-8111-${String(n).padStart(12, "0")}`,
  externalUserId: `CUST-${n}`,
  numWallboxes,
});
const ORG = "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11";
const window = monthWindow("2026-10");

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(() => folder.remove());

describe("discovery's steps, on their work store", () => {
  it("refuses an org whose batches or wallboxes would not fit the workflow, as soon as the users list shows it", async () => {
    const work = localWorkStore(join(folder.path, "work"));
    // A user who counts more wallboxes than a thousand batches of 1 may plan.
    const reader = orgOf([user(1, 1_001), user(2)]);
    const planned = planDiscovery(work, reader, { orgId: ORG, window, generatedAt: new Date(), batchSize: 1 });
    await expect(planned).rejects.toThrow(RunLimitError);
    await expect(planned).rejects.toThrow(
      /more than 1000 users with wallboxes or wallboxes, more than 1000 batches or shards of 1 \(HEMS_SHARD_SIZE\)/,
    );
  });

  it("counts a batch whose result is stored as listed, though its step's answer was lost and the Map says it failed", async () => {
    const work = localWorkStore(join(folder.path, "work"));
    const reader = orgOf([user(1), user(2), user(3)]);
    const discovery = await planDiscovery(work, reader, { orgId: ORG, window, generatedAt: new Date("2026-11-01T05:00:00Z"), batchSize: 2 });
    expect(discovery.batches.map((batch) => batch.count)).toEqual([2, 1]);
    for (const batch of discovery.batches) await discoverBatch(work, discovery, batch, { reader, concurrency: 2 });
    const { plan } = await planDiscovered(work, discovery, {
      outcomes: [
        { index: 0, status: "failed", error: "Lambda.Unknown: the answer was lost" },
        { index: 1, status: "done" },
      ],
      shardsFor: () => 1,
    });
    expect(plan.wallboxes).toBe(3);
    expect(plan.coverage).toMatchObject({ usersNotListed: 0, orgUsers: 3, notCovered: 0 });
  });
});
