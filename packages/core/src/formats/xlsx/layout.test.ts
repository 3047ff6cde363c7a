import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { parseMonth } from "../../domain/month/index.ts";
import type { MonthlyReport } from "../../domain/report/index.ts";
import { buildMonthlyReport, entriesFromList } from "../../domain/report/index.ts";
import { type Session, sessionsInMemory } from "../../domain/sessions/index.ts";
import { summarizeWallbox } from "../../domain/summary/index.ts";
import type { Cell } from "../../domain/workbook/index.ts";
import { columnLetter, type WorkbookInput, workbookLayout } from "../../domain/workbook/index.ts";
import { writeWorkbook } from "./index.ts";

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

/** The workbook of a report in memory, its sessions none unless given. */
const layoutOf = (report: MonthlyReport, extra: Partial<WorkbookInput> = {}) =>
  workbookLayout({
    report,
    wallboxes: entriesFromList(report.wallboxes),
    window,
    source: "test",
    jsonFileName: "r.json",
    csvFileNames: ["r.csv"],
    sessions: sessionsInMemory([]),
    sessionRowLimit: 1_000,
    ...extra,
  });

describe("workbook layout", () => {
  it("names spreadsheet columns", () => {
    expect([1, 26, 27, 52, 53, 702, 703].map(columnLetter)).toEqual(["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
  });

  it("continues long sheets on further sheets, every row once, each with its header", async () => {
    const sessions = Array.from({ length: 25 }, (_, index) => session(index + 1));
    const report = await buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox(sessions, window) }],
    });
    const sheets = layoutOf(report, { sessions: sessionsInMemory([{ wallbox, sessions }]) });
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeWorkbook(sheets, out, { maxRowsPerSheet: 10 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);

    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      "Summary",
      "Wallboxes",
      "Users",
      "By model",
      "Trend",
      "Sessions",
      "Sessions 2",
      "Sessions 3",
      // Each open session without savings and without price coverage is listed three times: 75 rows.
      "Data quality",
      "Data quality 2",
      "Data quality 3",
      "Data quality 4",
      "Data quality 5",
      "Data quality 6",
      "Data quality 7",
      "Data quality 8",
      "About",
    ]);
    const sessionSheets = workbook.worksheets.filter((sheet) => sheet.name.startsWith("Sessions"));
    expect(sessionSheets.map((sheet) => sheet.actualRowCount)).toEqual([11, 11, 6]);
    expect(sessionSheets.every((sheet) => sheet.getRow(1).getCell(3).value === "Session ID")).toBe(true);
    const ids = sessionSheets.flatMap((sheet) =>
      sheet
        .getSheetValues()
        .slice(2)
        .map((row) => (row as ExcelJS.CellValue[])[3]),
    );
    expect(new Set(ids).size).toBe(25);
    const qualityRows = workbook.worksheets
      .filter((sheet) => sheet.name.startsWith("Data quality"))
      .reduce((total, sheet) => total + sheet.actualRowCount - 1, 0);
    expect(qualityRows).toBe(75);
  });

  it("states the reconciliation with the Sessions sheet where rounding makes them differ, the currency, and the KPIs", async () => {
    // Two wallboxes of one session each, 0.335 EUR: each rounds to 0.34 (total 0.68), their plain sum is 0.67.
    const other = { ...wallbox, wallboxId: "44444444-4444-4444-8444-444444444444", label: "Carport" };
    const one = {
      ...session(1),
      savingsEur: "0.335",
      energyFromSolarKwh: "2",
      endedAt: "2026-10-02T11:00:00Z",
      outcome: "charged_from_solar" as const,
    };
    const report = await buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [wallbox, other].map((box) => ({ wallbox: box, status: "ok" as const, figures: summarizeWallbox([one], window) })),
    });
    const summaryRows = async (unroundedSavingsEur?: string) => {
      const [summary] = layoutOf(report, unroundedSavingsEur ? { unroundedSavingsEur } : {});
      const rows = [];
      for await (const row of summary!.rows) rows.push(row);
      return new Map(rows.map((row) => [row[0] as string, row[1]]));
    };
    const textOf = (cell: Cell | undefined) => (cell && typeof cell === "object" && "value" in cell ? cell.value : cell);
    const rows = await summaryRows("0.670");
    expect(report.totals.savingsEur).toBe("0.68");
    expect(textOf(rows.get("Reconciliation with the Sessions sheet"))).toMatch(
      /^A plain sum of the sessions' unrounded savings gives 0\.67 EUR, 0\.01 EUR less than the savings total above: each wallbox's savings are summed exactly and rounded to the cent once/,
    );
    expect((await summaryRows("0.68")).has("Reconciliation with the Sessions sheet")).toBe(false);
    expect(textOf(rows.get("Money"))).toMatch(/EUR, as the Partner API reports them; the API does not say whether they include VAT/);
    // Rows 6 to 8 are savings, energy and sessions; 14 the sessions charged from solar (below the Outcomes heading).
    expect(rows.get("Savings per kWh from solar")).toMatchObject({ value: { formula: 'IF(B7=0,"n/a",B6/B7)', result: 0.17 } });
    expect(rows.get("Share of sessions charged from solar")).toMatchObject({ value: { formula: 'IF(B8=0,"n/a",B14/B8)', result: 1 } });
    expect(rows.get("Average savings per session")).toMatchObject({ value: { result: 0.34 }, numFmt: '#,##0.00 "EUR";-#,##0.00 "EUR"' });
  });

  it("shows a key figure the JSON leaves null (nothing to divide by) as n/a, never as 0", async () => {
    const report = await buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox([], window) }],
    });
    expect(report.kpis.averageSavingsPerSessionEur).toBeNull();
    const [summary] = layoutOf(report);
    const rows = new Map<string, Cell>();
    for await (const row of summary!.rows) rows.set(row[0] as string, row[1]!);
    for (const name of [
      "Share of sessions charged from solar",
      "Command application rate",
      "Savings per kWh from solar",
      "Average savings per session",
    ])
      expect(rows.get(name), name).toMatchObject({ value: { result: "n/a" } });
  });

  it("totals each user's wallboxes on the Users sheet, a household's together, failed ones counted", async () => {
    const userA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
    const box = (id: string, userId: string, label?: string) => ({
      userId,
      wallboxId: `${id}2222222-2222-4222-8222-222222222222`,
      ...(label ? { label, externalUserId: "CUST-7" } : {}),
    });
    const one = { ...session(1), savingsEur: "1.005", endedAt: "2026-10-02T11:00:00Z" };
    const report = await buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [
        { wallbox: box("1", userA, "Garage"), status: "ok", figures: summarizeWallbox([one, { ...one, id: 2 }], window) },
        { wallbox: box("2", userA.toUpperCase(), "Carport"), status: "failed", error: "HTTP 503" },
        { wallbox: box("3", wallbox.userId), status: "ok", figures: summarizeWallbox([one], window) },
      ],
    });
    const users = layoutOf(report).find((sheet) => sheet.name === "Users")!;
    const rows = [];
    for await (const row of users.rows) rows.push(row);
    const savings = users.columns.findIndex((column) => column.header === "Savings (EUR)");
    // The partner's customer number stands beside Podero's user id.
    expect(rows.slice(0, 2).map((row) => [row[0], row[1], row[2], row[3], row[4], row[savings]])).toEqual([
      [userA, "CUST-7", "Garage, Carport", 2, { value: 1, alert: true }, 2.01],
      [wallbox.userId, null, "32222222-2222-4222-8222-222222222222", 1, 0, 1.01],
    ]);
    // After a blank row, the totals: sums of the rows above, with the report's totals cached.
    expect(rows[2]).toEqual([]);
    const total = rows[3]!;
    expect(total[0]).toMatchObject({ value: "Total" });
    expect(total[3]).toMatchObject({ value: { formula: "SUM(D2:D3)", result: 3 } });
    expect(total[4]).toMatchObject({ value: { formula: "SUM(E2:E3)", result: 1 } });
    const letter = columnLetter(savings + 1);
    expect(total[savings]).toMatchObject({ value: { formula: `SUM(${letter}2:${letter}3)`, result: Number(report.totals.savingsEur) } });
  });

  it("lists each finding in columns: started at, kind, wallbox, session, the EUR at stake, and the detail in words", async () => {
    const open = { ...session(3), savingsEur: "1.255", hasCompletePriceCoverage: true };
    const report = await buildMonthlyReport({
      orgId: "33333333-3333-4333-8333-333333333333",
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox([open], window) }],
    });
    const quality = layoutOf(report, { sessions: sessionsInMemory([{ wallbox, sessions: [open] }]) }).find((sheet) => sheet.name === "Data quality")!;
    expect(quality.columns.map((column) => column.header)).toEqual([
      "Started at (UTC)",
      "Kind",
      "Wallbox label",
      "Wallbox ID",
      "Session ID",
      "EUR at stake",
      "Detail",
    ]);
    const rows = [];
    for await (const row of quality.rows) rows.push(row);
    expect(rows).toEqual([
      [
        new Date("2026-10-04T10:00:00Z"),
        "Open session",
        "Garage",
        wallbox.wallboxId,
        3,
        1.255,
        "Still charging when read (ended_at is null): its figures may still change.",
      ],
    ]);
  });
});
