import { describe, expect, it } from "vitest";
import { movedWallboxes, type WallboxFigures } from "./restatement.ts";
import type { WallboxReport } from "./schema.ts";
import { entriesFromList } from "./wallbox-entries.ts";

const ok = (wallboxId: string, savingsEur: string, sessions = 1): WallboxReport =>
  ({ userId: "u", wallboxId, label: null, status: "ok", sessions, savingsEur, energyFromSolarKwh: "1.000" }) as WallboxReport;
const failed = (wallboxId: string): WallboxReport => ({
  userId: "u",
  wallboxId,
  label: null,
  externalUserId: null,
  externalDeviceId: null,
  manufacturer: null,
  model: null,
  status: "failed",
  error: "HTTP 503",
});
const figures = (entry: WallboxReport): WallboxFigures =>
  entry.status === "ok"
    ? {
        wallboxId: entry.wallboxId,
        label: null,
        status: "ok",
        sessions: entry.sessions,
        savingsEur: entry.savingsEur,
        energyFromSolarKwh: entry.energyFromSolarKwh,
      }
    : { wallboxId: entry.wallboxId, label: null, status: "failed", sessions: null, savingsEur: null, energyFromSolarKwh: null };

async function moved(before: WallboxReport[], after: WallboxReport[]) {
  const list = [];
  for await (const wallbox of movedWallboxes(
    (async function* () {
      yield* before.map(figures);
    })(),
    entriesFromList(after),
  ))
    list.push(wallbox);
  return list;
}

describe("what a rerun restates", () => {
  it("lists the wallboxes whose figures moved, came or went, and leaves out those that did not", async () => {
    const result = await moved(
      [ok("a", "1.00"), ok("b", "2.00"), failed("c"), ok("D", "4.00")],
      [ok("a", "1.00"), ok("b", "2.50", 2), ok("c", "3.00"), ok("e", "5.00")],
    );
    expect(result.map((wallbox) => [wallbox.wallboxId, wallbox.before?.savingsEur ?? "-", wallbox.after?.savingsEur ?? "-"])).toEqual([
      ["b", "2.00", "2.50"],
      ["c", "-", "3.00"],
      ["e", "-", "5.00"],
      ["D", "4.00", "-"],
    ]);
    expect(result[1]!.before).toMatchObject({ status: "failed" });
    expect(result[2]!.before).toBeNull();
    expect(result[3]!.after).toBeNull();
  });

  it("matches wallbox ids whatever their case", async () => {
    expect(await moved([ok("ABC", "1.00")], [ok("abc", "1.00")])).toEqual([]);
  });
});
