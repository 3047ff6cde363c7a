import { createWriteStream } from "node:fs";
import { copyFile, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { finished } from "node:stream/promises";
import { localFolderStore } from "@hems-reports/core/adapters/local/folder";
import { parseMonth } from "@hems-reports/core/domain/month";
import { buildMonthlyReport, entriesFromList } from "@hems-reports/core/domain/report";
import { sessionsInMemory } from "@hems-reports/core/domain/sessions";
import { summarizeWallbox } from "@hems-reports/core/domain/summary";
import { workbookLayout } from "@hems-reports/core/domain/workbook";
import { writeWorkbook } from "@hems-reports/core/formats/xlsx";
import { runMonthlyReport } from "@hems-reports/core/pipeline";
import { demoConfig, type Simulator, startSimulator } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, OCTOBER } from "../support/api.ts";
import { temporaryFolder } from "../support/cli.ts";
import { convert, parseCsv, pdfPages, which } from "../support/libreoffice.ts";
import { localScratch } from "../support/local.ts";

// A real spreadsheet engine checks the workbooks: LibreOffice recalculates every formula and
// prints every sheet. CI installs it (.ci/run); on a machine without it these tests say so and skip.
const soffice = await which("soffice");
const pdftotext = await which("pdftotext");
const engine = Boolean(soffice && pdftotext);
if (!engine) console.warn("LibreOffice (soffice) or poppler-utils (pdftotext) is not installed: the print checks are skipped here; CI runs them.");

describe("LibreOffice is there in CI", () => {
  it.runIf(process.env.CI)("has soffice and pdftotext, so the print checks run", () => {
    expect({ soffice, pdftotext }).toEqual({ soffice: expect.any(String), pdftotext: expect.any(String) });
  });
});

describe.runIf(engine)("the workbook in a real spreadsheet engine (LibreOffice)", () => {
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let simulator: Simulator;
  const workbooks: Record<"complete" | "incomplete" | "continued", string> = { complete: "", incomplete: "", continued: "" };
  let pages: Record<string, string[]> = {};

  beforeAll(async () => {
    folder = await temporaryFolder();
    // Enough wallboxes that the Wallboxes sheet prints on more than one page.
    const config = demoConfig("print", 60);
    const failing = config.wallboxes[4]!.wallboxId;
    simulator = await startSimulator({
      seed: "print",
      onSessionsRequest: (request) => (request.wallboxId === failing ? { status: 404 } : undefined),
    });
    for (const kind of ["complete", "incomplete"] as const) {
      const out = join(folder.path, kind);
      const result = await runMonthlyReport({
        ...localScratch,
        wallboxes: {
          from: "config",
          config: kind === "complete" ? { ...config, wallboxes: config.wallboxes.filter((wallbox) => wallbox.wallboxId !== failing) } : config,
        },
        window: OCTOBER,
        generatedAt: new Date("2026-11-01T06:00:00Z"),
        source: "test",
        reader: clientFor(simulator),
        concurrency: 4,
        store: localFolderStore(out),
        orgLabel: "Acme Energie GmbH & Co. KG",
      });
      workbooks[kind] = join(folder.path, `${kind}.xlsx`);
      await copyFile(result.workbook.location, workbooks[kind]);
    }
    // A month whose Sessions continue on further sheets (here past 150 rows a sheet), each longer than a page.
    const window = parseMonth("2026-10", new Date("2026-11-25T00:00:00Z"));
    const wallbox = { userId: "11111111-1111-4111-8111-111111111111", wallboxId: "22222222-2222-4222-8222-222222222222", label: "Garage" };
    const sessions = Array.from({ length: 330 }, (_, index) => ({
      id: index + 1,
      ocppTransactionId: null,
      startedAt: `2026-10-${String((index % 28) + 1).padStart(2, "0")}T10:00:00Z`,
      endedAt: `2026-10-${String((index % 28) + 1).padStart(2, "0")}T11:00:00Z`,
      finalHemsState: "finished",
      outcome: "charged_from_solar" as const,
      rawOutcome: "charged_from_solar",
      energyFromSolarKwh: "1.5",
      savingsEur: "0.335",
      hasCompletePriceCoverage: true,
      commandsSent: 2,
      commandsApplied: 1,
      commandsIneffective: 0,
    }));
    const report = await buildMonthlyReport({
      orgId: config.orgId,
      window,
      generatedAt: new Date("2026-11-01T06:00:00Z"),
      wallboxes: [{ wallbox, status: "ok", figures: summarizeWallbox(sessions, window) }],
    });
    const sheets = workbookLayout({
      report,
      wallboxes: entriesFromList(report.wallboxes),
      window,
      source: "test",
      jsonFileName: "r.json",
      csvFileNames: ["r.csv"],
      sessions: sessionsInMemory([{ wallbox, sessions }]),
      sessionRowLimit: 1_000,
      orgLabel: "Acme Energie GmbH & Co. KG",
    });
    workbooks.continued = join(folder.path, "continued.xlsx");
    const out = createWriteStream(workbooks.continued);
    await writeWorkbook(sheets, out, { maxRowsPerSheet: 150 });
    await finished(out);

    const files = Object.values(workbooks);
    await Promise.all([
      convert(files, "csv", join(folder.path, "csv"), folder.path),
      convert(files, "cached csv", join(folder.path, "cached"), folder.path),
      convert(files, "pdf", join(folder.path, "pdf"), folder.path),
    ]);
    pages = {};
    for (const [kind, file] of Object.entries(workbooks))
      pages[kind] = await pdfPages(join(folder.path, "pdf", basename(file).replace(/\.xlsx$/, ".pdf")));
  }, 180_000);

  afterAll(async () => {
    await simulator?.close();
    await folder?.remove();
  });

  /** Which sheet a printed page belongs to, from its footer ("…: Wallboxes   Page 2 of 9"). */
  const sheetOf = (page: string) => /HEMS savings report \d{4}-\d{2}: (.+?)\s{2,}Page \d+ of \d+/.exec(page)?.[1];

  it("computes every formula as the workbook's cached value says, in each workbook", async () => {
    let checked = 0;
    for (const [kind, file] of Object.entries(workbooks)) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      for (const sheet of workbook.worksheets) {
        // LibreOffice's own result, and the value cached in the file as LibreOffice reads it.
        const sheetCsv = (where: string) => readFile(join(folder.path, where, `${kind}-${sheet.name}.csv`), "utf8").then(parseCsv);
        const [computed, cached] = await Promise.all([sheetCsv("csv"), sheetCsv("cached")]);
        sheet.eachRow((row, rowNumber) => {
          row.eachCell((cell, column) => {
            if (cell.type !== ExcelJS.ValueType.Formula) return;
            const where = `${kind} ${sheet.name}!${cell.address} (${cell.formula})`;
            const value = (csv: string[][]) => csv[rowNumber - 1]?.[column - 1] ?? "";
            // Percentages come as "50.7%" even as raw values.
            const number = (text: string) => (text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text));
            expect(value(cached), where).toMatch(/^-?\d+(\.\d+)?%?$/);
            expect(number(value(computed)).toFixed(4), where).toBe(number(value(cached)).toFixed(4));
            checked++;
          });
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3 * 17);
  });

  it("prints the Summary on one A4 landscape page, with the org, the month and page N of M", () => {
    for (const [kind, printed] of Object.entries(pages)) {
      const summary = printed.filter((page) => sheetOf(page) === "Summary");
      expect(summary, kind).toHaveLength(1);
      // The whole Summary, down to its last row, on its one page.
      expect(summary[0]).toContain("they include VAT, so neither can this report");
      expect(summary[0]).toContain("Acme Energie GmbH & Co. KG");
      expect(summary[0]).toMatch(new RegExp(`Page 1 of ${printed.length}`));
    }
    expect(pages.incomplete![0]).toContain("INCOMPLETE: 1 of 60 wallboxes could not be read");
  });

  it("draws the Trend's chart of savings and energy, below its months (a chart part beside exceljs's output)", () => {
    for (const [kind, printed] of Object.entries(pages)) {
      const trend = printed.filter((page) => sheetOf(page) === "Trend");
      expect(trend, kind).toHaveLength(1);
      // The chart's title, axes and legend are text LibreOffice drew: the chart is there, and read.
      for (const text of ["Savings and energy from solar by month", "Savings (EUR)", "Energy from solar (kWh)", "EUR", "kWh"])
        expect(trend[0], `${kind}: ${text}`).toContain(text);
    }
  });

  it("prints every page of the Wallboxes and Sessions sheets with their header row and whole rows, one page wide", () => {
    for (const [kind, printed] of Object.entries(pages)) {
      // Every page names its sheet in the footer, and the sheets print in the workbook's order.
      const sheets = printed.map(sheetOf);
      expect(
        sheets.every((sheet) => sheet !== undefined),
        kind,
      ).toBe(true);
      const order = [...new Set(sheets)];
      const expected =
        kind === "continued"
          ? ["Summary", "Wallboxes", "Users", "By model", "Trend", "Sessions", "Sessions 2", "Sessions 3", "Data quality", "About"]
          : ["Summary", "Wallboxes", "Users", "By model", "Trend", "Sessions", "Data quality", "About"];
      expect(order, kind).toEqual(expected.filter((sheet) => order.includes(sheet)));
      expect(order.slice(0, 5), kind).toEqual(expected.slice(0, 5));
      const wallboxes = printed.filter((page) => sheetOf(page) === "Wallboxes");
      // The check below means something only where a sheet takes more than one page.
      if (kind !== "continued") expect(wallboxes.length, kind).toBeGreaterThan(1);
      for (const page of wallboxes) {
        // The header row is repeated, and the whole width is on the page: the label and the last figure column.
        expect(page).toMatch(/Label\s+User ID\s+Wallbox ID\s+Status/);
        expect(page).toMatch(/\bcounted\b/);
        expect(page).toMatch(/Demo wallbox \d+|Garage/);
      }
      const sessions = printed.filter((text) => /^Sessions( \d+)?$/.test(sheetOf(text) ?? ""));
      expect(sessions.length, kind).toBeGreaterThan(2);
      for (const page of sessions) {
        expect(page).toMatch(/Wallbox label\s+Wallbox ID\s+Session ID/);
        // The last three columns' headers ("Commands sent", "… applied", "… ineffective"): the whole width is there.
        expect((page.match(/Command/g) ?? []).length).toBeGreaterThanOrEqual(3);
      }
    }
    expect(pages.continued!.filter((page) => sheetOf(page) === "Sessions 2").length).toBeGreaterThan(1);
  });

  it("marks INCOMPLETE and FAILED with a fill that shows in print", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(workbooks.incomplete);
    const banner = workbook.getWorksheet("Summary")!.getCell("A2");
    expect(String(banner.value)).toMatch(/^INCOMPLETE/);
    expect(banner.fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: "FFFFC7CE" } });
    const wallboxes = workbook.getWorksheet("Wallboxes")!;
    const failed = wallboxes.getColumn(4).values.indexOf("FAILED");
    expect(failed).toBeGreaterThan(1);
    expect(wallboxes.getCell(failed, 4).fill).toMatchObject({ fgColor: { argb: "FFFFC7CE" } });
    expect(wallboxes.pageSetup).toMatchObject({ orientation: "landscape", paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
  });
});
