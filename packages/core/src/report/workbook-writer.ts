import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Cell, SheetSpec, StyledCell } from "./workbook-layout.ts";

/** Excel holds 1,048,576 rows a sheet; longer sheets continue on "Sessions 2", "Sessions 3", … */
export const MAX_DATA_ROWS_PER_SHEET = 1_000_000;

function isStyled(cell: Cell): cell is StyledCell {
  return cell !== null && typeof cell === "object" && !(cell instanceof Date) && "value" in cell;
}

/**
 * Writes the sheets with exceljs's streaming writer, which keeps memory bounded however many
 * sessions there are (the in-memory workbook runs out of memory near a million rows). Rows are
 * committed as they are written; formulas carry the results we computed, because exceljs never
 * calculates and many readers do not either.
 */
export async function writeWorkbook(
  sheets: readonly SheetSpec[],
  out: Writable,
  options: { maxRowsPerSheet?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const maxRowsPerSheet = options.maxRowsPerSheet ?? MAX_DATA_ROWS_PER_SHEET;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "hems-reports";
  for (const sheet of sheets) {
    let part = 1;
    let worksheet = startSheet(workbook, sheet, sheet.name);
    let rowsInPart = 0;
    for await (const cells of sheet.rows) {
      // A large workbook takes a while: a run that is stopped meanwhile stops here too.
      if (rowsInPart % 1000 === 0) options.signal?.throwIfAborted();
      if (sheet.continues && rowsInPart === maxRowsPerSheet) {
        worksheet.commit();
        part++;
        worksheet = startSheet(workbook, { ...sheet, preamble: [] }, `${sheet.name} ${part}`);
        rowsInPart = 0;
      }
      addRow(worksheet, cells);
      rowsInPart++;
    }
    worksheet.commit();
  }
  await workbook.commit();
}

/** A worksheet with the sheet's preamble and header row, frozen and filterable below them. */
function startSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: SheetSpec, name: string): ExcelJS.Worksheet {
  const headerRow = sheet.preamble.length + 1;
  const worksheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: headerRow, xSplit: 0 }] });
  worksheet.columns = sheet.columns.map((column) => ({
    width: column.width,
    ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}),
  }));
  for (const cells of sheet.preamble) addRow(worksheet, cells);
  const header = worksheet.addRow(sheet.columns.map((column) => column.header));
  header.font = { bold: true };
  header.commit();
  if (sheet.filter) {
    worksheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: sheet.columns.length } };
  }
  return worksheet;
}

function addRow(worksheet: ExcelJS.Worksheet, cells: readonly Cell[]): void {
  const row = worksheet.addRow(cells.map((cell) => (isStyled(cell) ? cell.value : cell) as ExcelJS.CellValue));
  cells.forEach((cell, index) => {
    if (!isStyled(cell)) return;
    const target = row.getCell(index + 1);
    if (cell.numFmt) target.numFmt = cell.numFmt;
    if (cell.bold) target.font = { bold: true };
  });
  row.commit();
}
