import { describe, expect, it } from "vitest";
import { detailParts } from "./csv-parts.ts";

const names = (count: number) => Array.from({ length: count }, (_, index) => `part${index + 1}`);

/** The sessions each part takes from each shard, walking the parts as a writer does. */
function taken(shardSessions: number[], rowsPerPart: number) {
  const parts = detailParts(shardSessions, rowsPerPart, names(Math.max(1, Math.ceil(shardSessions.reduce((a, b) => a + b, 0) / rowsPerPart))));
  return parts.map((part) => {
    const takes: [shard: number, from: number, count: number][] = [];
    let left = part.rows;
    for (let shard = part.shard, from = part.skip; left > 0; shard++, from = 0) {
      const count = Math.min(left, shardSessions[shard]! - from);
      if (count > 0) takes.push([shard, from, count]);
      left -= count;
    }
    return takes;
  });
}

describe("the session detail's parts", () => {
  it("cut the sessions by their place in report order, across shards, skipping shards without sessions", () => {
    expect(taken([3, 0, 4, 2], 4)).toEqual([
      [
        [0, 0, 3],
        [2, 0, 1],
      ],
      [
        [2, 1, 3],
        [3, 0, 1],
      ],
      [[3, 1, 1]],
    ]);
  });

  it("cover every session once, whatever the shards and the part size", () => {
    for (let trial = 0; trial < 200; trial++) {
      const shardSessions = Array.from({ length: 1 + (trial % 7) }, (_, index) => (trial * 31 + index * 17) % 11);
      const rowsPerPart = 1 + (trial % 9);
      const seen = shardSessions.map((sessions) => new Array<number>(sessions).fill(0));
      const parts = taken(shardSessions, rowsPerPart);
      for (const takes of parts) for (const [shard, from, count] of takes) for (let n = from; n < from + count; n++) seen[shard]![n]!++;
      expect(seen.flat().every((times) => times === 1)).toBe(true);
      const total = shardSessions.reduce((a, b) => a + b, 0);
      expect(parts.map((takes) => takes.reduce((sum, [, , count]) => sum + count, 0))).toEqual(
        Array.from({ length: Math.max(1, Math.ceil(total / rowsPerPart)) }, (_, index) => Math.min(rowsPerPart, total - index * rowsPerPart)),
      );
    }
  });

  it("gives a month without sessions one part, and refuses names that do not fit", () => {
    expect(detailParts([0, 0], 5, ["only"])).toEqual([{ index: 0, name: "only", shard: 0, skip: 0, rows: 0 }]);
    expect(() => detailParts([6], 5, ["one"])).toThrow(/2 CSV parts need as many names, not 1/);
    expect(() => detailParts([6], 0, ["one"])).toThrow(/whole number of sessions from 1, not 0/);
  });
});
