import { describe, expect, it } from "vitest";
import type { WallboxRef } from "../config/index.ts";
import { planShards, reportOrder, shardCountFor } from "./plan.ts";

const user = (n: number) => `11111111-1111-4111-8111-${String(n).padStart(12, "0")}`;
let serial = 0;
const box = (userNumber: number): WallboxRef => ({
  userId: user(userNumber),
  wallboxId: `22222222-2222-4222-8222-${String(serial++).padStart(12, "0")}`,
});

describe("planning shards", () => {
  it("groups each user's wallboxes, users in order of first appearance, wallboxes in config order", () => {
    const config = [box(1), box(2), box(1), box(3), box(2)];
    const upper = { ...box(3), userId: user(3).toUpperCase() };
    expect(reportOrder([...config, upper])).toEqual([config[0], config[2], config[1], config[4], config[3], upper]);
  });

  it("covers every wallbox once, in report order, never splitting a user, for any number of shards", () => {
    const config = Array.from({ length: 103 }, (_, index) => box(index % 17 === 0 ? 999 : Math.floor(index / 3)));
    for (const count of [1, 2, 3, 7, 50, 103, 500]) {
      const plan = planShards(config, count);
      expect(plan.wallboxes).toEqual(reportOrder(config));
      expect(plan.shards.length).toBeLessThanOrEqual(count);
      let next = 0;
      for (const [index, shard] of plan.shards.entries()) {
        expect(shard).toMatchObject({ index, first: next });
        expect(shard.count).toBeGreaterThan(0);
        next += shard.count;
        if (shard.first > 0) expect(plan.wallboxes[shard.first - 1]!.userId).not.toBe(plan.wallboxes[shard.first]!.userId);
      }
      expect(next).toBe(config.length);
    }
    // Users of up to three wallboxes and one of seven: 7 shards near the ideal 14.7 each.
    const sizes = planShards(config, 7).shards.map((shard) => shard.count);
    expect(sizes).toHaveLength(7);
    for (const size of sizes) expect(Math.abs(size - 103 / 7)).toBeLessThanOrEqual(7);
  });

  it("sizes shards from a shard size", () => {
    expect(shardCountFor(1_000_000, 2_000)).toBe(500);
    expect(shardCountFor(25, 2_000)).toBe(1);
    expect(() => planShards([box(1)], 0)).toThrow(/whole number of shards from 1/);
  });
});
