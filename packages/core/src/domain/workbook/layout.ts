import type { WallboxRef } from "../config/index.ts";
import { groupDigits, parseDecimal, roundEur, ZERO } from "../money/index.ts";
import { type MonthWindow, wallClockDate } from "../month/index.ts";
import type { FiguresJson, ReportHead, WallboxEntries } from "../report/index.ts";
import {
  caveats,
  changeText,
  MONEY_RULE,
  type MonthTotals,
  monthsBefore,
  periodRule,
  type QualityIssueSource,
  qualityIssuesOf,
  ROUNDING_RULE,
  userSummaries,
} from "../report/index.ts";
import { OUTCOMES, type Session, type SessionSource } from "../sessions/index.ts";

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
}

export const EUR_FORMAT = '#,##0.00 "€";-#,##0.00 "€"';
export const KWH_FORMAT = '#,##0.000 "kWh"';
const COUNT_FORMAT = "#,##0";
const DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss";

export interface WorkbookInput {
  report: ReportHead;
  /** The wallboxes' entries, in report order. */
  wallboxes: WallboxEntries;
  window: MonthWindow;
  source: string;
  jsonFileName: string;
  /** The session detail's CSV file names, which always hold every session. */
  csvFileNames: readonly string[];
  /** The sessions of each wallbox that was read, in report order, each wallbox's in chronological order. */
  sessions: SessionSource;
  /** The most sessions the workbook lists; past it, the Sessions sheet points to the CSV instead. */
  sessionRowLimit: number;
  /** The sessions' Data quality lines when they were computed already (by the shards); otherwise from `sessions`. */
  qualityIssues?: QualityIssueSource;
  /** How the printed pages' footer names the organisation; the org id when there is none. */
  orgLabel?: string;
  /** The exact sum of the sessions' savings before rounding, when known: a reconciliation line where it differs from the total. */
  unroundedSavingsEur?: string;
  /** Earlier months' totals where their reports were found (latest first): the Summary compares, the Trend sheet lists them. */
  earlierMonths?: readonly MonthTotals[];
}

type FigureKey = { [K in keyof FiguresJson]: FiguresJson[K] extends number | string ? K : never }[keyof FiguresJson];
interface FigureColumn {
  header: string;
  numFmt: string;
  pick: (figures: FiguresJson) => number;
  /** Counts fit 10 characters; their long headers wrap. */
  width?: number;
}

const money = (key: "savingsEur" | "energyFromSolarKwh") => (figures: FiguresJson) => Number(figures[key]);
const counted = (key: Exclude<FigureKey, "savingsEur" | "energyFromSolarKwh">) => (figures: FiguresJson) => figures[key];

/** The figure columns of the Wallboxes sheet, in order; the Summary sums each of them. */
const FIGURE_COLUMNS: FigureColumn[] = [
  { header: "Sessions", numFmt: COUNT_FORMAT, pick: counted("sessions") },
  ...OUTCOMES.map((outcome) => ({
    header: `Outcome: ${outcome}`,
    numFmt: COUNT_FORMAT,
    pick: (figures: FiguresJson) => figures.outcomes[outcome],
  })),
  { header: "Energy from solar (kWh)", numFmt: KWH_FORMAT, pick: money("energyFromSolarKwh"), width: 14 },
  { header: "Savings (EUR)", numFmt: EUR_FORMAT, pick: money("savingsEur"), width: 12 },
  { header: "Commands sent", numFmt: COUNT_FORMAT, pick: counted("commandsSent") },
  { header: "Commands applied", numFmt: COUNT_FORMAT, pick: counted("commandsApplied") },
  { header: "Commands ineffective", numFmt: COUNT_FORMAT, pick: counted("commandsIneffective") },
  { header: "Sessions without savings", numFmt: COUNT_FORMAT, pick: counted("sessionsWithoutSavings") },
  { header: "Sessions with incomplete price coverage", numFmt: COUNT_FORMAT, pick: counted("sessionsWithIncompletePriceCoverage") },
  { header: "Open sessions", numFmt: COUNT_FORMAT, pick: counted("openSessions") },
  { header: "Sessions of other months, not counted", numFmt: COUNT_FORMAT, pick: counted("sessionsOutsideMonth") },
];

// Narrow enough that the sheet prints one page wide at a readable size: ids and errors wrap.
const WALLBOX_IDENTITY_COLUMNS: ColumnSpec[] = [
  { header: "Label", width: 20, wrap: true },
  { header: "User ID", width: 19, wrap: true },
  { header: "Wallbox ID", width: 19, wrap: true },
  { header: "Status", width: 9 },
  { header: "Error", width: 28, wrap: true },
];

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

async function* wallboxRows(entries: WallboxEntries): AsyncGenerator<Cell[]> {
  for await (const wallbox of entries.read()) {
    yield wallbox.status === "ok"
      ? [wallbox.label, wallbox.userId, wallbox.wallboxId, "ok", null, ...FIGURE_COLUMNS.map((column) => column.pick(wallbox))]
      : [wallbox.label, wallbox.userId, wallbox.wallboxId, { value: "FAILED", alert: true }, wallbox.error, ...FIGURE_COLUMNS.map(() => null)];
  }
}

function wallboxesSheet(entries: WallboxEntries): SheetSpec {
  return {
    name: "Wallboxes",
    columns: [
      ...WALLBOX_IDENTITY_COLUMNS,
      ...FIGURE_COLUMNS.map((column) => ({ header: column.header, width: column.width ?? 10, numFmt: column.numFmt })),
    ],
    preamble: [],
    // Made row by row as the writer asks, so a large org's rows never exist all at once.
    rows: { [Symbol.asyncIterator]: () => wallboxRows(entries) },
    filter: true,
  };
}

/** One row per user (see `userSummaries`): a user none of whose wallboxes could be read shows blanks, as a failed wallbox's row does. */
async function* userRows(entries: WallboxEntries): AsyncGenerator<Cell[]> {
  for await (const user of userSummaries(entries)) {
    const more = user.wallboxes - user.wallboxNames.length;
    const names = `${user.wallboxNames.join(", ")}${more > 0 ? `${user.wallboxNames.length ? ", " : ""}and ${more} more` : ""}`;
    yield [
      user.userId,
      names,
      user.wallboxes,
      user.wallboxesFailed > 0 ? { value: user.wallboxesFailed, alert: true } : 0,
      ...FIGURE_COLUMNS.map((column) => (user.figures ? column.pick(user.figures) : null)),
    ];
  }
}

function usersSheet(entries: WallboxEntries): SheetSpec {
  return {
    name: "Users",
    columns: [
      { header: "User ID", width: 19, wrap: true },
      { header: "Wallboxes", width: 28, wrap: true },
      { header: "Wallbox count", width: 10, numFmt: COUNT_FORMAT },
      { header: "Wallboxes failed", width: 10, numFmt: COUNT_FORMAT },
      ...FIGURE_COLUMNS.map((column) => ({ header: column.header, width: column.width ?? 10, numFmt: column.numFmt })),
    ],
    preamble: [],
    rows: { [Symbol.asyncIterator]: () => userRows(entries) },
    filter: true,
    continues: true,
  };
}

/** The KPIs, each defined on the About sheet: a ratio of two Summary figures (0 where the second is 0). */
const KPIS = [
  { name: "Share of sessions charged from solar", numerator: "Outcome: charged_from_solar", denominator: "Sessions", numFmt: "0.0%" },
  { name: "Command application rate", numerator: "Commands applied", denominator: "Commands sent", numFmt: "0.0%" },
  { name: "Savings per kWh from solar", numerator: "Savings (EUR)", denominator: "Energy from solar (kWh)", numFmt: '#,##0.0000 "€/kWh"' },
  { name: "Average savings per session", numerator: "Savings (EUR)", denominator: "Sessions", numFmt: '#,##0.0000 "€"' },
] as const;

export const KPI_DEFINITIONS: Record<(typeof KPIS)[number]["name"], string> = {
  "Share of sessions charged from solar": "sessions whose outcome is charged_from_solar ÷ all sessions of the wallboxes read",
  "Command application rate": "commands the wallboxes applied ÷ commands sent to them",
  "Savings per kWh from solar": "the savings total ÷ the energy from solar total (EUR per kWh)",
  "Average savings per session": "the savings total ÷ the sessions",
};

/** Where a plain sum of the sessions' savings differs from the Summary's total, and why; none where they agree. */
function reconciliationRow(report: ReportHead, unroundedSavingsEur: string | undefined, sessionsListed: boolean): Cell[][] {
  if (unroundedSavingsEur === undefined) return [];
  const plain = roundEur(parseDecimal(unroundedSavingsEur));
  if (plain === report.totals.savingsEur) return [];
  const difference = parseDecimal(plain).minus(parseDecimal(report.totals.savingsEur));
  const direction = difference.gt(ZERO) ? "more" : "less";
  return [
    [
      sessionsListed ? "Reconciliation with the Sessions sheet" : "Reconciliation with the session detail (CSV)",
      `A plain sum of the sessions' unrounded savings gives ${groupDigits(plain)} EUR, ${groupDigits(difference.abs().toFixed(2))} EUR ${direction} than the savings total above: each wallbox's savings are summed exactly and rounded to the cent once, and the total adds the rounded wallbox figures (see Rounding).`,
    ],
  ];
}

/** The caveats in words and money, one a line, where there are any. */
function caveatRows(report: ReportHead): Cell[][] {
  const lines = caveats(report.totals, report.caveats);
  return lines.length ? [["Caveats", lines.join("\n")]] : [];
}

/** Last month's totals and the change to this month's, where last month's report was found. */
function previousMonthRows(report: ReportHead, earlierMonths: readonly MonthTotals[]): Cell[][] {
  const previous = earlierMonths[0];
  if (!previous || previous.month !== monthsBefore(report.month, 1)[0]) return [];
  const state = previous.complete ? "complete" : "INCOMPLETE";
  return [
    [
      `Previous month (${previous.month})`,
      `savings ${groupDigits(previous.savingsEur)} EUR, energy from solar ${groupDigits(previous.energyFromSolarKwh)} kWh, ${groupDigits(previous.sessions)} sessions (${state})`,
    ],
    [
      "Change from the previous month",
      `savings ${changeText(report.totals.savingsEur, previous.savingsEur, 2, "EUR")}, energy from solar ${changeText(report.totals.energyFromSolarKwh, previous.energyFromSolarKwh, 3, "kWh")}, sessions ${changeText(String(report.totals.sessions), String(previous.sessions), 0)}`,
    ],
  ];
}

/** The month, its timezone and its exact window. */
const monthText = (report: ReportHead) =>
  `${report.month} in ${report.timezone}: from ${report.window.start} up to, not including, ${report.window.end}`;

/** Up to 12 earlier months and this one, oldest first: the month-over-month view. */
function trendSheet(input: WorkbookInput): SheetSpec {
  const { report } = input;
  const current: MonthTotals = {
    month: report.month,
    complete: report.complete,
    wallboxes: input.wallboxes.count,
    failedWallboxes: input.wallboxes.failed,
    sessions: report.totals.sessions,
    savingsEur: report.totals.savingsEur,
    energyFromSolarKwh: report.totals.energyFromSolarKwh,
  };
  const months = [...(input.earlierMonths ?? [])].reverse().concat(current);
  return {
    name: "Trend",
    columns: [
      { header: "Month", width: 10 },
      { header: "Complete", width: 12 },
      { header: "Wallboxes", width: 11, numFmt: COUNT_FORMAT },
      { header: "Wallboxes failed", width: 11, numFmt: COUNT_FORMAT },
      { header: "Sessions", width: 11, numFmt: COUNT_FORMAT },
      { header: "Energy from solar (kWh)", width: 16, numFmt: KWH_FORMAT },
      { header: "Savings (EUR)", width: 14, numFmt: EUR_FORMAT },
    ],
    preamble: [],
    rows: months.map((month) => [
      month.month,
      month.complete ? "yes" : { value: "INCOMPLETE", alert: true },
      month.wallboxes,
      month.failedWallboxes,
      month.sessions,
      Number(month.energyFromSolarKwh),
      Number(month.savingsEur),
    ]),
    filter: false,
  };
}

function summarySheet(
  report: ReportHead,
  entries: WallboxEntries,
  unroundedSavingsEur: string | undefined,
  sessionsListed: boolean,
  earlierMonths: readonly MonthTotals[] = [],
): SheetSpec {
  const { count, failed } = entries;
  const lastRow = count + 1;
  const statusColumn = columnLetter(4);
  const banner: StyledCell = report.complete
    ? { value: `COMPLETE: all ${count} wallboxes were read.`, bold: true }
    : {
        value: `INCOMPLETE: ${failed} of ${count} wallboxes could not be read. Totals cover only the wallboxes read; see Data quality for the reasons.`,
        bold: true,
        alert: true,
      };
  const figureRows: Cell[][] = FIGURE_COLUMNS.map((column, index) => {
    const letter = columnLetter(WALLBOX_IDENTITY_COLUMNS.length + 1 + index);
    return [
      column.header,
      { value: { formula: `SUM(Wallboxes!${letter}2:${letter}${lastRow})`, result: column.pick(report.totals) }, numFmt: column.numFmt },
    ];
  });
  return {
    name: "Summary",
    columns: [
      { header: "Figure", width: 42, wrap: true },
      { header: "Value", width: 60, wrap: true },
    ],
    preamble: [[{ value: `HEMS savings report ${report.month}`, bold: true }], [banner], []],
    rows: [
      ["Organisation", report.orgId],
      ["Month", monthText(report)],
      ["Partner API queried for", `the UTC days ${report.apiQuery.from} to ${report.apiQuery.to}, inclusive`],
      ["Wallboxes", { value: { formula: `COUNTA(Wallboxes!C2:C${lastRow})`, result: count }, numFmt: COUNT_FORMAT }],
      [
        "Wallboxes failed",
        { value: { formula: `COUNTIF(Wallboxes!${statusColumn}2:${statusColumn}${lastRow},"FAILED")`, result: failed }, numFmt: COUNT_FORMAT },
      ],
      ...figureRows,
      ...kpiRows(report),
      ...reconciliationRow(report, unroundedSavingsEur, sessionsListed),
      ...caveatRows(report),
      ...previousMonthRows(report, earlierMonths),
      ["Amounts", MONEY_RULE],
      ["Rounding", ROUNDING_RULE],
    ],
    filter: false,
  };
}

/** The Summary's first figure row: below the title, the banner, a blank row, the header and five rows of identity. */
const FIRST_FIGURE_ROW = 10;

function kpiRows(report: ReportHead): Cell[][] {
  const cellOf = (header: string) => `B${FIRST_FIGURE_ROW + FIGURE_COLUMNS.findIndex((column) => column.header === header)}`;
  const figureOf = (header: string) => FIGURE_COLUMNS.find((column) => column.header === header)!.pick(report.totals);
  return KPIS.map((kpi) => {
    const [numerator, denominator] = [cellOf(kpi.numerator), cellOf(kpi.denominator)];
    const result = figureOf(kpi.denominator) === 0 ? 0 : figureOf(kpi.numerator) / figureOf(kpi.denominator);
    return [kpi.name, { value: { formula: `IF(${denominator}=0,0,${numerator}/${denominator})`, result }, numFmt: kpi.numFmt }];
  });
}

const SESSION_COLUMNS: ColumnSpec[] = [
  { header: "Wallbox label", width: 24 },
  { header: "Wallbox ID", width: 38 },
  { header: "Session ID", width: 12 },
  { header: "OCPP transaction ID", width: 14 },
  { header: "Started at", width: 20, numFmt: DATE_TIME_FORMAT },
  { header: "Ended at", width: 20, numFmt: DATE_TIME_FORMAT },
  { header: "Final HEMS state", width: 18 },
  { header: "Outcome (as sent)", width: 22 },
  { header: "Outcome (counted as)", width: 22 },
  { header: "Energy from solar (kWh)", width: 16, numFmt: KWH_FORMAT },
  { header: "Savings (EUR, unrounded)", width: 16, numFmt: "#,##0.00######" },
  { header: "Complete price coverage", width: 12 },
  { header: "Commands sent", width: 11 },
  { header: "Commands applied", width: 11 },
  { header: "Commands ineffective", width: 12 },
];

/** A time as the month's timezone shows it (a cell has no timezone: the column's header names it). */
const asDate = (iso: string | null, timeZone: string) => (iso === null ? null : wallClockDate(Date.parse(iso), timeZone));
/** A time column's header names the timezone its cells show. */
const timeHeader = (name: string, timeZone: string) => `${name} (${timeZone})`;
const sessionColumns = (timeZone: string): ColumnSpec[] =>
  SESSION_COLUMNS.map((column) => (column.numFmt === DATE_TIME_FORMAT ? { ...column, header: timeHeader(column.header, timeZone) } : column));
const asNumber = (decimal: string | null) => (decimal === null ? null : Number(decimal));
const yesNo = (flag: boolean | null) => (flag === null ? "unknown" : flag ? "yes" : "no");

/** A session as the Sessions sheet shows it: one row, values as sent (savings unrounded), times in the month's timezone. */
export function sessionCells(wallbox: WallboxRef, session: Session, timeZone: string): Cell[] {
  return [
    wallbox.label ?? null,
    wallbox.wallboxId,
    session.id,
    session.ocppTransactionId,
    asDate(session.startedAt, timeZone),
    asDate(session.endedAt, timeZone),
    session.finalHemsState,
    session.rawOutcome ?? "(none)",
    session.outcome,
    asNumber(session.energyFromSolarKwh),
    asNumber(session.savingsEur),
    yesNo(session.hasCompletePriceCoverage),
    session.commandsSent,
    session.commandsApplied,
    session.commandsIneffective,
  ];
}

async function* sessionRows(input: WorkbookInput): AsyncGenerator<Cell[]> {
  for await (const { wallbox, sessions } of input.sessions()) {
    for (const session of sessions) yield sessionCells(wallbox, session, input.window.timeZone);
  }
}

/** Where the session detail is, in words: the CSV file or its parts. */
function csvPointer(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.length} parts, ${names[0]} to ${names.at(-1)}`;
}

function sessionsSheet(input: WorkbookInput): SheetSpec {
  const { sessions } = input.report.totals;
  if (sessions > input.sessionRowLimit) {
    const note = `This month has ${sessions.toLocaleString("en")} sessions, more than the ${input.sessionRowLimit.toLocaleString("en")} this workbook lists. Every session is in the CSV session detail: ${csvPointer(input.csvFileNames)}.`;
    return { name: "Sessions", columns: [{ header: "Session detail", width: 160 }], preamble: [], rows: [[note]], filter: false };
  }
  return {
    name: "Sessions",
    columns: sessionColumns(input.window.timeZone),
    preamble: [],
    rows: { [Symbol.asyncIterator]: () => sessionRows(input) },
    filter: true,
    continues: true,
  };
}

async function* dataQualityRows(input: WorkbookInput): AsyncGenerator<Cell[]> {
  if (input.wallboxes.failed > 0) {
    for await (const wallbox of input.wallboxes.read()) {
      if (wallbox.status === "failed") yield ["Wallbox failed", wallbox.label, wallbox.wallboxId, null, null, wallbox.error];
    }
  }
  const issues = input.qualityIssues ?? qualityIssuesOf(input.sessions);
  for await (const [issue, label, wallboxId, sessionId, startedAt, detail] of issues()) {
    yield [issue, label, wallboxId, sessionId, asDate(startedAt, input.window.timeZone), detail];
  }
}

function dataQualitySheet(input: WorkbookInput): SheetSpec {
  return {
    name: "Data quality",
    columns: [
      { header: "Issue", width: 28 },
      { header: "Wallbox label", width: 24 },
      { header: "Wallbox ID", width: 38 },
      { header: "Session ID", width: 12 },
      { header: timeHeader("Started at", input.window.timeZone), width: 20, numFmt: DATE_TIME_FORMAT },
      { header: "Detail", width: 80, wrap: true },
    ],
    preamble: [],
    rows: { [Symbol.asyncIterator]: () => dataQualityRows(input) },
    filter: true,
    continues: true,
  };
}

function aboutSheet(input: WorkbookInput): SheetSpec {
  const { report } = input;
  return {
    name: "About",
    columns: [
      { header: "Item", width: 24 },
      { header: "Value", width: 110, wrap: true },
    ],
    preamble: [],
    rows: [
      ["Report", `HEMS savings report for ${report.month}`],
      ["Source", input.source],
      ["Organisation", report.orgId],
      ["Month", monthText(report)],
      ["Partner API queried for", `the UTC days ${report.apiQuery.from} to ${report.apiQuery.to}, inclusive`],
      ["Generated at (UTC)", report.generatedAt],
      ["Complete", report.complete ? "yes" : "no: see Data quality"],
      ["Which sessions count", periodRule(input.window, "the workbook")],
      ["Rounding rule", ROUNDING_RULE],
      ["Currency", MONEY_RULE],
      ...Object.entries(KPI_DEFINITIONS).map(([name, definition]) => [name, definition]),
      ["Totals", "The Summary's totals are formulas over the Wallboxes sheet; their values are cached, so no recalculation is needed."],
      ["JSON report", `${input.jsonFileName} (schemaVersion ${report.schemaVersion})`],
      [
        "Session detail (CSV)",
        `${csvPointer(input.csvFileNames)}: every session as the API sent it, its columns named as the API names its fields (hems-reports docs/report-format.md describes them)`,
      ],
      ["Schema version", report.schemaVersion],
    ],
    filter: false,
  };
}

export function workbookLayout(input: WorkbookInput): SheetSpec[] {
  const footer = { left: input.orgLabel ?? input.report.orgId, centre: `HEMS savings report ${input.report.month}` };
  const sheets = [
    summarySheet(
      input.report,
      input.wallboxes,
      input.unroundedSavingsEur,
      input.report.totals.sessions <= input.sessionRowLimit,
      input.earlierMonths,
    ),
    wallboxesSheet(input.wallboxes),
    usersSheet(input.wallboxes),
    trendSheet(input),
    sessionsSheet(input),
    dataQualitySheet(input),
    aboutSheet(input),
  ];
  return sheets.map((sheet) => ({ ...sheet, print: { footer, ...(sheet.name === "Summary" ? { onePage: true } : {}) } }));
}
