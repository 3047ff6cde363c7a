import { once } from "node:events";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Cell, SheetSpec, StyledCell } from "../report/index.ts";

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
  // Waiting for the zip must end if the destination fails (it would never drain) or the run stops.
  const destinationFailed = new AbortController();
  const onDestinationError = () => destinationFailed.abort(new Error("the workbook's destination failed"));
  out.once("error", onDestinationError);
  const stop = options.signal ? AbortSignal.any([options.signal, destinationFailed.signal]) : destinationFailed.signal;
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    workbook.creator = "hems-reports";
    for (const sheet of sheets) {
      let part = 1;
      let worksheet = startSheet(workbook, sheet, sheet.name);
      const columnStyles = sharedColumnStyles(sheet);
      let rowsInPart = 0;
      for await (const cells of sheet.rows) {
        if (rowsInPart % 1000 === 0) {
          // A large workbook takes a while: a run that is stopped meanwhile stops here too.
          options.signal?.throwIfAborted();
          await zipBackpressure(worksheet, stop);
        }
        if (sheet.continues && rowsInPart === maxRowsPerSheet) {
          worksheet.commit();
          part++;
          worksheet = startSheet(workbook, { ...sheet, preamble: [] }, `${sheet.name} ${part}`);
          rowsInPart = 0;
        }
        addRow(worksheet, cells, columnStyles);
        rowsInPart++;
      }
      worksheet.commit();
    }
    await workbook.commit();
  } finally {
    out.off("error", onDestinationError);
  }
}

/** How much sheet XML may wait for the zip before the writer waits for it. */
const ZIP_BACKLOG_LIMIT = 1 << 20;

/**
 * exceljs 4.4 hands each sheet's XML to the zip without backpressure: its StreamBuf writes into
 * the PassThrough that archiver reads from and ignores `write()`'s answer, so uncompressed XML
 * piles up in memory (about 670 bytes a row: 800 MiB at a million rows). No public API exposes
 * that stream, so this reads exceljs's internal `worksheet.stream.pipes[0]` and waits for it to
 * drain; memory then stays flat (measured: about 120 MiB at 1M and 3M rows). exceljs is pinned to
 * 4.4.0, and a test fails loudly if these internals change.
 */
export async function zipBackpressure(worksheet: ExcelJS.Worksheet, signal?: AbortSignal): Promise<void> {
  // archiver's PassThrough comes from readable-stream 2, which has `_writableState` but no `writableLength`.
  type ZipInput = Writable & { _writableState?: { length?: number } };
  const zipInput = (worksheet as unknown as { stream?: { pipes?: ZipInput[] } }).stream?.pipes?.[0];
  const backlog = zipInput?._writableState?.length;
  if (zipInput === undefined || backlog === undefined) {
    throw new Error("exceljs internals changed: the sheet's zip input was not found (see zipBackpressure in workbook-writer.ts)");
  }
  if (backlog > ZIP_BACKLOG_LIMIT) await once(zipInput, "drain", signal ? { signal } : {});
}

/**
 * One style object per column, shared by every plain cell of the column: exceljs caches styles
 * by object identity, so sharing halves the writing time (measured), where a fresh object per cell
 * never hits the cache. They must never be mutated; date columns always carry their numFmt.
 */
function sharedColumnStyles(sheet: SheetSpec): Partial<ExcelJS.Style>[] {
  return sheet.columns.map((column) => (column.numFmt ? { numFmt: column.numFmt } : {}));
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

function addRow(worksheet: ExcelJS.Worksheet, cells: readonly Cell[], columnStyles: readonly Partial<ExcelJS.Style>[] = []): void {
  const row = worksheet.addRow(cells.map((cell) => (isStyled(cell) ? cell.value : cell) as ExcelJS.CellValue));
  cells.forEach((cell, index) => {
    const target = row.getCell(index + 1);
    if (!isStyled(cell)) {
      const shared = columnStyles[index];
      if (shared) target.style = shared;
      return;
    }
    if (cell.numFmt) target.numFmt = cell.numFmt;
    if (cell.bold) target.font = { bold: true };
  });
  row.commit();
}
