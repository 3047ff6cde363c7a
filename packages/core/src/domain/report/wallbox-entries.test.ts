import { describe, expect, it } from "vitest";
import type { WallboxReport } from "./schema.ts";
import { decodeWallboxEntry, encodeWallboxEntry, WallboxEntryArena } from "./wallbox-entries.ts";

const ok: WallboxReport = {
  userId: "11111111-1111-4111-8111-000000000001",
  wallboxId: "22222222-2222-4222-8222-000000000001",
  label: 'Garage "north" ✓',
  externalUserId: "CUST-100001",
  externalDeviceId: "DEV-1",
  manufacturer: "Easee",
  model: "Home",
  status: "ok",
  sessions: 3,
  outcomes: { charged_from_solar: 1, no_surplus: 1, steering_ineffective: 0, aborted: 1, unknown: 0 },
  energyFromSolarKwh: "12.345",
  savingsEur: "-0.05",
  commandsSent: 9,
  commandsApplied: 7,
  commandsIneffective: 1,
  sessionsWithoutSavings: 0,
  sessionsWithIncompletePriceCoverage: 2,
  openSessions: 1,
  sessionsOutsideMonth: 0,
};
const failed: WallboxReport = {
  userId: "11111111-1111-4111-8111-000000000002",
  wallboxId: "22222222-2222-4222-8222-000000000002",
  label: null,
  externalUserId: null,
  externalDeviceId: null,
  manufacturer: null,
  model: null,
  status: "failed",
  error: "sessions page at offset 200: HTTP 502 after 5 attempts",
};

async function all(arena: WallboxEntryArena) {
  const entries: WallboxReport[] = [];
  for await (const entry of arena.read()) entries.push(entry);
  return entries;
}

describe("wallbox entries kept as compact bytes", () => {
  it("gives back each entry with the same values and key order, so it serializes to the same bytes", () => {
    for (const entry of [ok, failed]) {
      const back = decodeWallboxEntry(JSON.parse(JSON.stringify(encodeWallboxEntry(entry))));
      expect(back).toEqual(entry);
      expect(JSON.stringify(back, null, 2)).toBe(JSON.stringify(entry, null, 2));
    }
  });

  it("takes entries in any order and reads them in report order, counting the failed", async () => {
    const arena = new WallboxEntryArena();
    const list = Array.from({ length: 5000 }, (_, index) =>
      index % 3 === 1 ? { ...failed, error: `reason ${index}` } : { ...ok, sessions: index, label: `Box ${index}` },
    );
    for (let position = list.length - 1; position >= 0; position--) arena.put(position, list[position]!);
    expect(arena.count).toBe(5000);
    expect(arena.failed).toBe(list.filter((entry) => entry.status === "failed").length);
    expect(await all(arena)).toEqual(list);
    // Read again, as every writer does.
    expect((await all(arena))[4999]).toEqual(list[4999]);
  });

  it("keeps an entry larger than a block", async () => {
    const arena = new WallboxEntryArena();
    const long = { ...failed, error: "x".repeat(3 << 20) };
    arena.put(0, ok);
    arena.put(1, long);
    arena.put(2, failed);
    expect(await all(arena)).toEqual([ok, long, failed]);
  });

  it("refuses a position put twice, and a report with a position missing", async () => {
    const arena = new WallboxEntryArena();
    arena.put(0, ok);
    expect(() => arena.put(0, failed)).toThrow(/already holds an entry at position 0/);
    arena.put(2, ok);
    await expect(all(arena)).rejects.toThrow(/2 entries for 3 positions/);
  });
});
