/**
 * The workbook as data: sheets, columns, rows and formulas, with nothing of exceljs in it, so the
 * layout can be read and tested on its own. `workbook-writer.ts` turns it into a file.
 */
export type CellValue = string | number | Date | null | { formula: string; result: number | string };
export interface StyledCell {
  value: CellValue;
  numFmt?: string;
  bold?: boolean;
  /** Stands out, on screen and in print: INCOMPLETE, FAILED. */
  alert?: boolean;
  /** Spans this many columns (merged), for a text that needs the width of several: caveats, rules. */
  span?: number;
  /** A text that reads as a figure (a change, "+65.74 EUR (+3.9 %)") stands at the right, as numbers do. */
  alignRight?: boolean;
}
export type Cell = CellValue | StyledCell;

export interface ColumnSpec {
  header: string;
  width: number;
  numFmt?: string;
  /** Long texts wrap within the column rather than run off the printed page. */
  wrap?: boolean;
}

/**
 * How a sheet prints: A4 landscape, as wide as one page (fit to page switched on), its header
 * row repeated on every page, and a footer naming the report and the page. `onePage`: the whole
 * sheet on one page (the Summary).
 */
export interface PrintSpec {
  onePage?: boolean;
  /** Left and centre of the footer: the org and the report; the right says "Page N of M". */
  footer: { left: string; centre: string };
}

/**
 * A chart drawn from a sheet's own cells: bars on the left axis, a line on the right one, one
 * point a row from `firstRow` on, with the values as the cells hold them (cached in the chart).
 */
export interface ChartSpec {
  title: string;
  /** The column (1 = A) of the categories' labels, and the labels. */
  categoryColumn: number;
  categories: string[];
  /** The first data row; its header is the row above. */
  firstRow: number;
  series: { name: string; column: number; values: (number | null)[]; kind: "bar" | "line"; axisTitle: string; colour: string }[];
  /** Where it stands: from and to a cell's top-left corner (0-based columns and rows). */
  anchor: { from: { column: number; row: number }; to: { column: number; row: number } };
}

export interface SheetSpec {
  name: string;
  columns: ColumnSpec[];
  /** Rows above the header row (titles, banners); the header row is frozen below them. */
  preamble: Cell[][];
  /** Rows may come from a spool on disk: an async iterable is read one row at a time. */
  rows: Iterable<Cell[]> | AsyncIterable<Cell[]>;
  /** Autofilter over the header row. */
  filter: boolean;
  /** Rows past the per-sheet limit continue on "Name 2", … (data sheets that no formula refers to). */
  continues?: boolean;
  print?: PrintSpec;
  /** A chart of the sheet's rows (the Trend's), placed below them. */
  chart?: ChartSpec;
}

/** Money as finance reads it: two decimals, and the currency written one way, EUR, as in the JSON and the email. */
export const EUR_FORMAT = '#,##0.00 "EUR";-#,##0.00 "EUR"';
export const KWH_FORMAT = '#,##0.000 "kWh"';
export const COUNT_FORMAT = "#,##0";
export const DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss";
