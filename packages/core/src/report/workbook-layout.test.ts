import { describe, expect, it } from "vitest";
import { parseMonth } from "../month/index.ts";
import type { Session } from "../sessions/index.ts";
import { summarizeWallbox } from "../summary/index.ts";
import { buildMonthlyReport } from "./model.ts";
import { columnLetter, workbookLayout } from "./workbook-layout.ts";

const window = parseMonth("2026-10", new Date("2026-11-25T00:00:00Z"));
const wallbox = { userId: "11111111-1111-4111-8111-111111111111", wallboxId: "22222222-2222-4222-8222-222222222222", label: "Garage" };

function session(id: number): Session {
  return {
    id,
    ocppTransactionId: null,
    startedAt: `2026-10-${String((id % 28) + 1).padStart(2, "0")}T10:00:00Z`,
    endedAt: null,
    finalHemsState: "charging",
    outcome: "unknown",
    rawOutcome: null,
    energyFromSolarKwh: "1.2345",
    savingsEur: null,
    hasCompletePriceCoverage: null,
    commandsSent: 0,
    commandsApplied: 0,
    commandsIneffective: 0,
  };
}

describe("workbook layout", () => {
  it("names spreadsheet columns", () => {
    expect([1, 26, 27, 52, 53, 702, 703].map(columnLetter)).toEqual(["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
  });

  it("continues sessions on further sheets past the row limit, every session once", () => {
    const sessions = Array.from({ length: 25 }, (_, index) => session(index + 1));
    const report = buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox(sessions, window) }],
    });
    const sheets = workbookLayout({ report, window, source: "test", jsonFileName: "r.json", sessions: [{ wallbox, sessions }], maxRowsPerSheet: 10 });
    expect(sheets.map((sheet) => sheet.name)).toEqual(["Summary", "Wallboxes", "Sessions", "Sessions 2", "Sessions 3", "Data quality", "About"]);
    const rows = sheets.filter((sheet) => sheet.name.startsWith("Sessions")).map((sheet) => [...sheet.rows]);
    expect(rows.map((sheetRows) => sheetRows.length)).toEqual([10, 10, 5]);
    expect(new Set(rows.flat().map((row) => row[2])).size).toBe(25);
    // Each open session without savings and without price coverage is listed three times.
    const quality = [...sheets.find((sheet) => sheet.name === "Data quality")!.rows];
    expect(quality).toHaveLength(75);
    expect(new Set(quality.map((row) => row[0]))).toEqual(new Set(["No savings value", "Incomplete price coverage", "Open session"]));
  });
});
