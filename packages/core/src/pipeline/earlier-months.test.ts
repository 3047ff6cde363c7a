import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { monthWindow } from "../domain/month/index.ts";
import { buildMonthlyReport, serializeMonthlyReport } from "../domain/report/index.ts";
import { summarizeWallbox } from "../domain/summary/index.ts";
import { monthTotalsInFolder } from "./earlier-months.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hems-earlier-"));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const totals = { sessions: 12, savingsEur: "3.45", energyFromSolarKwh: "6.789" };

describe("earlier months' reports in the output folder", () => {
  it("reads the totals from the head of schemaVersion 1, 2 and 3 reports, and the wallbox counts from 3 on", async () => {
    // A report as schemaVersion 1 wrote it: period, no users, wallboxes last.
    const v1 = {
      schemaVersion: 1,
      orgId: "o",
      month: "2026-08",
      period: { from: "2026-08-01", to: "2026-08-31" },
      generatedAt: "2026-09-01T05:00:00.000Z",
      complete: false,
      rules: { periodMembership: "…", rounding: "…" },
      totals: { ...totals, outcomes: {} },
      wallboxes: [{ userId: "u", wallboxId: "w", label: null, status: "failed", error: "HTTP 503" }],
    };
    await writeFile(join(folder, "hems-savings-2026-08.json"), `${JSON.stringify(v1, null, 2)}\n`);
    const wallbox = { userId: "11111111-1111-4111-8111-111111111111", wallboxId: "22222222-2222-4222-8222-222222222222" };
    const window = monthWindow("2026-09", "Europe/Vienna");
    const v3 = await buildMonthlyReport({
      orgId: "o",
      window,
      generatedAt: new Date("2026-10-01T05:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox([], window) }],
    });
    // The same report as schemaVersion 2 wrote it: no wallbox counts in its head.
    const { wallboxCounts: _counts, ...v2 } = { ...v3, schemaVersion: 2 };
    await writeFile(join(folder, "hems-savings-2026-09.json"), `${JSON.stringify(v2, null, 2)}\n`);
    const october = { ...v3, month: "2026-10" };
    await writeFile(join(folder, "hems-savings-2026-10.json"), serializeMonthlyReport(october));
    const source = monthTotalsInFolder(folder);
    expect(await source("2026-08")).toEqual({ month: "2026-08", complete: false, wallboxes: null, failedWallboxes: null, ...totals });
    const empty = { complete: true, sessions: 0, savingsEur: "0.00", energyFromSolarKwh: "0.000" };
    expect(await source("2026-09")).toEqual({ month: "2026-09", wallboxes: null, failedWallboxes: null, ...empty });
    expect(await source("2026-10")).toEqual({ month: "2026-10", wallboxes: 1, failedWallboxes: 0, ...empty });
    expect(await source("2026-07")).toBeUndefined();
  });
});
