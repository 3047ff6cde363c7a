import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { zipBackpressure } from "./workbook-writer.ts";

describe("waiting for exceljs's zip", () => {
  it("finds the sheet's zip input in the exceljs version installed (an upgrade that moves it fails here)", async () => {
    const out = new PassThrough();
    out.resume();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const worksheet = workbook.addWorksheet("Sheet");
    // Enough XML to pass the backlog limit, so the wait for 'drain' is exercised too.
    for (let row = 0; row < 20_000; row++) worksheet.addRow([row, "x".repeat(80), row / 3]).commit();
    await zipBackpressure(worksheet);
    worksheet.commit();
    await workbook.commit();
  });

  it("says clearly when the internals are not there", async () => {
    await expect(zipBackpressure({} as ExcelJS.Worksheet)).rejects.toThrow(/exceljs internals changed/);
  });
});
