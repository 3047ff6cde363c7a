import { once } from "node:events";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Cell, SheetSpec, StyledCell } from "../../domain/workbook/index.ts";
import { chartContentTypes, chartParts, DRAWING_RELATIONSHIP, drawingRels } from "./chart-part.ts";

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
    let charts = 0;
    for (const sheet of sheets) {
      let part = 1;
      let worksheet = startSheet(workbook, sheet, sheet.name);
      if (sheet.chart) attachChart(workbook, worksheet, chartParts(sheet.chart, sheet.name), ++charts);
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
        addRow(worksheet, cells, sheet, columnStyles);
        rowsInPart++;
      }
      worksheet.commit();
    }
    await workbook.commit();
  } finally {
    out.off("error", onDestinationError);
  }
}

/** The exceljs 4.4 internals a chart is attached through (see `attachChart`). */
interface ChartInternals {
  zip?: { append(source: string | Buffer, data: { name: string }): unknown };
}
interface SheetInternals {
  _sheetRelsWriter?: { addRelationship(relationship: { Type: string; Target: string }): string };
  _writeLegacyData?: () => void;
  _write?: (text: string) => void;
}

/**
 * Places a chart on a sheet. exceljs writes no charts, so its parts are written beside its
 * output: the chart and its drawing go into the package's zip, the sheet gets a relationship to
 * the drawing and a `<drawing>` element (where the schema puts it, just before the legacy
 * drawing), and the content types name both parts. These are exceljs 4.4's internals (it is
 * pinned); if they change, this fails loudly rather than write a workbook without its chart, and
 * the print test checks that LibreOffice draws it.
 */
function attachChart(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  worksheet: ExcelJS.Worksheet,
  parts: { chartXml: string; drawingXml: string },
  number: number,
): void {
  const zip = (workbook as unknown as ChartInternals).zip;
  const sheet = worksheet as unknown as SheetInternals;
  const writeLegacyData = sheet._writeLegacyData;
  if (!zip || !sheet._sheetRelsWriter || !writeLegacyData || !sheet._write) {
    throw new Error("exceljs internals changed: a chart cannot be attached (see attachChart in workbook-writer.ts)");
  }
  const relationship = sheet._sheetRelsWriter.addRelationship({ Type: DRAWING_RELATIONSHIP, Target: `../drawings/drawing${number}.xml` });
  sheet._writeLegacyData = function (this: SheetInternals) {
    this._write!(`<drawing r:id="${relationship}"/>`);
    writeLegacyData.call(this);
  };
  zip.append(parts.chartXml, { name: `xl/charts/chart${number}.xml` });
  zip.append(parts.drawingXml, { name: `xl/drawings/drawing${number}.xml` });
  zip.append(drawingRels(number), { name: `xl/drawings/_rels/drawing${number}.xml.rels` });
  const append = zip.append.bind(zip);
  zip.append = (source, data) =>
    append(data.name === "[Content_Types].xml" ? String(source).replace("</Types>", `${chartContentTypes(number)}</Types>`) : source, data);
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
  return sheet.columns.map((column) => ({ ...(column.numFmt ? { numFmt: column.numFmt } : {}), ...(column.wrap ? { alignment: WRAP } : {}) }));
}

const WRAP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: "top" };

/** Each column's shared style, aligned to the top: made once per column, shared by every cell that needs it. */
const topAlignedStyles = new WeakMap<readonly Partial<ExcelJS.Style>[], Partial<ExcelJS.Style>[]>();
function topAligned(columnStyles: readonly Partial<ExcelJS.Style>[], index: number): Partial<ExcelJS.Style> {
  let styles = topAlignedStyles.get(columnStyles);
  if (!styles) {
    styles = [];
    topAlignedStyles.set(columnStyles, styles);
  }
  const made = styles[index];
  if (made) return made;
  const shared = columnStyles[index] ?? {};
  const style = { ...shared, alignment: { ...shared.alignment, vertical: "top" as const } };
  styles[index] = style;
  return style;
}

/** INCOMPLETE and FAILED: dark red on light red, which prints in grey on a black-and-white printer too. */
const ALERT_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFC7CE" } };
const ALERT_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: "FF9C0006" } };
const A4 = 9;

/** Points a line of text takes (the default font's row height). */
const LINE_HEIGHT = 15;
const MAX_ROW_HEIGHT = 409;

/**
 * The height a row needs for its wrapped texts, or undefined for one line: neither Excel nor
 * LibreOffice fits a generated row's height to wrapped text reliably, so the row says it.
 * A column's width counts characters of the default font; a little under one is kept for margins.
 */
function wrappedHeight(texts: readonly { text: string; width: number }[], bold = false): number | undefined {
  let lines = 1;
  for (const { text, width } of texts) {
    // Bold text (the header row) is wider; breaks fall between words, so a line holds less than its width.
    const perLine = Math.max(1, Math.floor(width * (bold ? 0.8 : 0.95)));
    const needed = text.split("\n").reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0);
    lines = Math.max(lines, needed);
  }
  // Excel's tallest row is 409 points; a longer text scrolls within its cell.
  return lines > 1 ? Math.min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT) : undefined;
}

/**
 * Header and footer text: `&` starts a code there, so a literal one is doubled; Excel takes 255
 * characters for a whole footer, so each part is kept short.
 */
const headerText = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text).replace(/&/g, "&&");

/** A4 landscape, one page wide (fit to page switched on), the header row on every page, a footer with the page number. */
function printSetup(
  sheet: SheetSpec,
  headerRow: number,
): Pick<Partial<ExcelJS.WorksheetProperties & ExcelJS.AddWorksheetOptions>, "pageSetup" | "headerFooter"> {
  if (!sheet.print) return {};
  const { footer, onePage } = sheet.print;
  return {
    pageSetup: {
      paperSize: A4,
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      // 0: as many pages tall as the rows need.
      fitToHeight: onePage ? 1 : 0,
      printTitlesRow: `${headerRow}:${headerRow}`,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&L${headerText(footer.left)}&C${headerText(footer.centre)}: &A&RPage &P of &N` },
  };
}

/**
 * A column's width: as the layout says, but never narrower than the longest word of its header
 * (in bold), so a header wraps between words and never inside one ("Command s sent").
 */
export function columnWidth(column: { header: string; width: number }): number {
  const longestWord = Math.max(...column.header.split(/\s+/).map((word) => word.length));
  return Math.max(column.width, Math.ceil(longestWord * 1.2) + 1);
}

/** A worksheet with the sheet's preamble and header row, frozen and filterable below them. */
function startSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: SheetSpec, name: string): ExcelJS.Worksheet {
  const headerRow = sheet.preamble.length + 1;
  const worksheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: headerRow, xSplit: 0 }], ...printSetup(sheet, headerRow) });
  worksheet.columns = sheet.columns.map((column) => ({
    width: columnWidth(column),
    ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}),
  }));
  for (const cells of sheet.preamble) {
    // A title or banner alone on its row spans the sheet's columns, wrapped, so it prints whole.
    const spans = cells.length === 1 && sheet.columns.length > 1;
    addRow(worksheet, cells, sheet, [], (row) => {
      if (!spans) return;
      worksheet.mergeCells(row.number, 1, row.number, sheet.columns.length);
      row.getCell(1).alignment = WRAP;
      const text = textOf(cells[0]!);
      const height = text && wrappedHeight([{ text, width: sheet.columns.reduce((sum, column) => sum + column.width, 0) }]);
      if (height) row.height = height;
    });
  }
  const header = worksheet.addRow(sheet.columns.map((column) => column.header));
  header.font = { bold: true };
  // Headers wrap rather than be cut off in narrow columns, on screen and in print.
  header.alignment = WRAP;
  const headerHeight = wrappedHeight(
    sheet.columns.map((column) => ({ text: column.header, width: columnWidth(column) })),
    true,
  );
  if (headerHeight) header.height = headerHeight;
  header.commit();
  if (sheet.filter) {
    worksheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: sheet.columns.length } };
  }
  return worksheet;
}

const textOf = (cell: Cell): string | undefined => {
  const value = isStyled(cell) ? cell.value : cell;
  return typeof value === "string" ? value : undefined;
};

function addRow(
  worksheet: ExcelJS.Worksheet,
  cells: readonly Cell[],
  sheet: SheetSpec,
  columnStyles: readonly Partial<ExcelJS.Style>[] = [],
  beforeCommit?: (row: ExcelJS.Row) => void,
): void {
  const row = worksheet.addRow(cells.map((cell) => (isStyled(cell) ? cell.value : cell) as ExcelJS.CellValue));
  /** The width a cell's text has: its column's, or the columns it spans. */
  const widthAt = (index: number, span = 1) => sheet.columns.slice(index, index + span).reduce((sum, column) => sum + column.width, 0);
  const wrapped: { text: string; width: number }[] = [];
  cells.forEach((cell, index) => {
    const target = row.getCell(index + 1);
    const text = textOf(cell);
    if (!isStyled(cell)) {
      const shared = columnStyles[index];
      if (shared) target.style = shared;
      // Long texts in wrapping columns (errors, details, rules) get the lines they need.
      if (text && sheet.columns[index]?.wrap && text.length > widthAt(index)) wrapped.push({ text, width: widthAt(index) });
      return;
    }
    if (cell.numFmt) target.numFmt = cell.numFmt;
    if (cell.bold) target.font = { bold: true };
    if (cell.alert) {
      target.fill = ALERT_FILL;
      target.font = ALERT_FONT;
    }
    if (cell.alignRight) target.alignment = { horizontal: "right" };
    if (cell.span && cell.span > 1) {
      worksheet.mergeCells(row.number, index + 1, row.number, index + cell.span);
      target.alignment = WRAP;
      if (text && text.length > widthAt(index, cell.span)) wrapped.push({ text, width: widthAt(index, cell.span) });
    } else if (text && text.length > 60) {
      target.alignment = WRAP;
      wrapped.push({ text, width: widthAt(index) });
    }
  });
  const height = wrapped.length > 0 ? wrappedHeight(wrapped) : undefined;
  if (height) {
    row.height = height;
    // A label beside a text of several lines stands at its first line, not at the bottom of the
    // row. Plain cells take their column's top-aligned style, shared like the column's own (a new
    // style object a cell would cost a Data quality sheet of 200,000 rows a third of its time).
    cells.forEach((cell, index) => {
      const target = row.getCell(index + 1);
      if (target.alignment?.vertical === "top") return;
      target.style = isStyled(cell)
        ? { ...target.style, alignment: { ...target.style.alignment, vertical: "top" } }
        : topAligned(columnStyles, index);
    });
  }
  beforeCommit?.(row);
  row.commit();
}
