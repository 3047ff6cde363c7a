import type { WallboxRef } from "../config/index.ts";
import { groupDigits, parseDecimal, roundEur, ZERO } from "../money/index.ts";
import { type MonthWindow, wallClockDate } from "../month/index.ts";
import type { Coverage, CoverageGap } from "../org/index.ts";
import type { FiguresJson, ReportHead, WallboxEntries } from "../report/index.ts";
import {
  caveats,
  changeText,
  coverageClause,
  MONEY_RULE,
  type MonthTotals,
  monthsBefore,
  monthTotalsOf,
  periodRule,
  plainlyComplete,
  previousMonthOf,
  type QualityIssueSource,
  qualityIssuesOf,
  ROUNDING_RULE,
  stateSentence,
  trendOf,
  userSummaries,
} from "../report/index.ts";
import { OUTCOMES, type Session, type SessionSource } from "../sessions/index.ts";
import { monthName, OUTCOME_NAMES } from "../summary-page/index.ts";
import { byModelSheet, coverageRows } from "./org-sheets.ts";
import {
  type Cell,
  type ChartSpec,
  COUNT_FORMAT,
  type ColumnSpec,
  DATE_TIME_FORMAT,
  EUR_FORMAT,
  KWH_FORMAT,
  type SheetSpec,
  type StyledCell,
} from "./sheet-spec.ts";

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
  /** The coverage check's lines: users whose wallboxes in the report differ from what Podero counts for them. */
  coverageGaps?: () => AsyncIterable<CoverageGap>;
  /** How the printed pages' footer names the organisation; the org id when there is none. */
  orgLabel?: string;
  /** The exact sum of the sessions' savings before rounding, when known: a reconciliation line where it differs from the total. */
  unroundedSavingsEur?: string;
  /** Earlier months' totals where their reports were found (latest first): the Summary compares, the Trend sheet lists them. */
  earlierMonths?: readonly MonthTotals[];
  /** The rows a sheet holds before it continues on "Name 2" (the writer's limit); 1,000,000 by default. */
  maxRowsPerSheet?: number;
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
    header: OUTCOME_NAMES[outcome],
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
  // What finance reconciles by (Podero's external ids), and the model the By model sheet groups by.
  { header: "Customer number", width: 14, wrap: true },
  { header: "Device ID", width: 14, wrap: true },
  { header: "Manufacturer", width: 12, wrap: true },
  { header: "Model", width: 14, wrap: true },
];

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

async function* wallboxRows(entries: WallboxEntries, totals: FiguresJson): AsyncGenerator<Cell[]> {
  for await (const wallbox of entries.read()) {
    const ids = [wallbox.externalUserId, wallbox.externalDeviceId, wallbox.manufacturer, wallbox.model];
    yield wallbox.status === "ok"
      ? [wallbox.label, wallbox.userId, wallbox.wallboxId, "ok", null, ...ids, ...FIGURE_COLUMNS.map((column) => column.pick(wallbox))]
      : [
          wallbox.label,
          wallbox.userId,
          wallbox.wallboxId,
          { value: "FAILED", alert: true },
          wallbox.error,
          ...ids,
          ...FIGURE_COLUMNS.map(() => null),
        ];
  }
  yield* totalsRows(WALLBOX_IDENTITY_COLUMNS.length, entries.count, totals);
}

/**
 * Below a sheet's rows, after a blank row (so its filter leaves it out): "Total", and under each
 * figure column the sum of the rows above as a formula, with its value (the report's total) cached.
 */
function* totalsRows(identityColumns: number, rows: number, totals: FiguresJson, leading: Cell[] = []): Generator<Cell[]> {
  yield [];
  const sums = FIGURE_COLUMNS.map((column, index): Cell => {
    const letter = columnLetter(identityColumns + 1 + index);
    return { value: { formula: `SUM(${letter}2:${letter}${rows + 1})`, result: column.pick(totals) }, numFmt: column.numFmt, bold: true };
  });
  yield [{ value: "Total", bold: true }, ...leading, ...Array.from({ length: identityColumns - 1 - leading.length }, () => null), ...sums];
}

function wallboxesSheet(entries: WallboxEntries, totals: FiguresJson): SheetSpec {
  return {
    name: "Wallboxes",
    columns: [
      ...WALLBOX_IDENTITY_COLUMNS,
      ...FIGURE_COLUMNS.map((column) => ({ header: column.header, width: column.width ?? 10, numFmt: column.numFmt })),
    ],
    preamble: [],
    // Made row by row as the writer asks, so a large org's rows never exist all at once.
    rows: { [Symbol.asyncIterator]: () => wallboxRows(entries, totals) },
    filter: true,
  };
}

/** One row per user (see `userSummaries`): a user none of whose wallboxes could be read shows blanks, as a failed wallbox's row does. */
async function* userRows(entries: WallboxEntries, totals: FiguresJson, maxRows: number): AsyncGenerator<Cell[]> {
  let users = 0;
  for await (const user of userSummaries(entries)) {
    users++;
    const more = user.wallboxes - user.wallboxNames.length;
    const names = `${user.wallboxNames.join(", ")}${more > 0 ? `${user.wallboxNames.length ? ", " : ""}and ${more} more` : ""}`;
    yield [
      user.userId,
      user.externalUserId,
      names,
      user.wallboxes,
      user.wallboxesFailed > 0 ? { value: user.wallboxesFailed, alert: true } : 0,
      ...FIGURE_COLUMNS.map((column) => (user.figures ? column.pick(user.figures) : null)),
    ];
  }
  // A sheet continued on "Users 2" has no one range to sum; the Summary has the totals.
  if (users > maxRows) return;
  const counts: Cell[] = [
    { value: { formula: `SUM(D2:D${users + 1})`, result: entries.count }, numFmt: COUNT_FORMAT, bold: true },
    { value: { formula: `SUM(E2:E${users + 1})`, result: entries.failed }, numFmt: COUNT_FORMAT, bold: true },
  ];
  yield* totalsRows(5, users, totals, [null, null, ...counts]);
}

function usersSheet(entries: WallboxEntries, totals: FiguresJson, maxRows: number): SheetSpec {
  return {
    name: "Users",
    columns: [
      { header: "User ID", width: 19, wrap: true },
      { header: "Customer number", width: 14, wrap: true },
      { header: "Wallboxes", width: 28, wrap: true },
      { header: "Wallbox count", width: 10, numFmt: COUNT_FORMAT },
      { header: "Wallboxes failed", width: 10, numFmt: COUNT_FORMAT },
      ...FIGURE_COLUMNS.map((column) => ({ header: column.header, width: column.width ?? 10, numFmt: column.numFmt })),
    ],
    preamble: [],
    rows: { [Symbol.asyncIterator]: () => userRows(entries, totals, maxRows) },
    filter: true,
    continues: true,
  };
}

/** The KPIs, each defined on the About sheet: a ratio of two Summary figures (0 where the second is 0). */
const KPIS = [
  { name: "Share of sessions charged from solar", numerator: "Charged from solar", denominator: "Sessions", numFmt: "0.0%" },
  { name: "Command application rate", numerator: "Commands applied", denominator: "Commands sent", numFmt: "0.0%" },
  { name: "Savings per kWh from solar", numerator: "Savings (EUR)", denominator: "Energy from solar (kWh)", numFmt: '#,##0.0000 "EUR/kWh"' },
  { name: "Average savings per session", numerator: "Savings (EUR)", denominator: "Sessions", numFmt: EUR_FORMAT },
] as const;

export const KPI_DEFINITIONS: Record<(typeof KPIS)[number]["name"], string> = {
  "Share of sessions charged from solar": "sessions charged from solar (the API's outcome charged_from_solar) ÷ all sessions of the wallboxes read",
  "Command application rate": "commands the wallboxes applied ÷ commands sent to them",
  "Savings per kWh from solar": "the savings total ÷ the energy from solar total (EUR per kWh)",
  "Average savings per session": "the savings total ÷ the sessions",
};

/** Where a plain sum of the sessions' unrounded savings differs from the Summary's total, and why; none where they agree. */
function reconciliationText(report: ReportHead, unroundedSavingsEur: string | undefined): string | undefined {
  if (unroundedSavingsEur === undefined) return undefined;
  const plain = roundEur(parseDecimal(unroundedSavingsEur));
  if (plain === report.totals.savingsEur) return undefined;
  const difference = parseDecimal(plain).minus(parseDecimal(report.totals.savingsEur));
  const direction = difference.gt(ZERO) ? "more" : "less";
  return `A plain sum of the sessions' unrounded savings gives ${groupDigits(plain)} EUR, ${groupDigits(difference.abs().toFixed(2))} EUR ${direction} than the savings total above: each wallbox's savings are summed exactly and rounded to the cent once, and the total adds the rounded wallbox figures (About: Rounding rule).`;
}

/** The month, its timezone and its exact window. */
const monthText = (report: ReportHead) =>
  `${report.month} in ${report.timezone}: from ${report.window.start} up to, not including, ${report.window.end}`;

/** The Trend's months, oldest first: the earlier months' reports found, then this one. */
const trendMonths = (input: WorkbookInput) => trendOf(monthTotalsOf(input.report, input.wallboxes), input.earlierMonths);

/** Savings as bars and energy from solar as a line, a month a point, below the Trend's rows. */
function trendChart(months: readonly MonthTotals[]): ChartSpec {
  return {
    title: "Savings and energy from solar by month",
    categoryColumn: 1,
    // As the cells hold them (a chart draws from its cells); the Complete column says which months were INCOMPLETE.
    categories: months.map((month) => month.month),
    firstRow: 2,
    series: [
      { name: "Savings (EUR)", column: 7, values: months.map((month) => Number(month.savingsEur)), kind: "bar", axisTitle: "EUR", colour: "2F6F4F" },
      {
        name: "Energy from solar (kWh)",
        column: 6,
        values: months.map((month) => Number(month.energyFromSolarKwh)),
        kind: "line",
        axisTitle: "kWh",
        colour: "C27C0E",
      },
    ],
    // Below the header and the months, after a blank row; as wide as the table.
    anchor: { from: { column: 0, row: months.length + 2 }, to: { column: 7, row: months.length + 24 } },
  };
}

/** Up to 12 earlier months and this one, oldest first: the month-over-month view. */
function trendSheet(input: WorkbookInput): SheetSpec {
  const months = trendMonths(input);
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
    chart: trendChart(months),
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

/**
 * The Summary as finance reads it, on one page: the organisation and the month, whether the
 * report is complete, the headline figures beside last month's and the exact change, then the
 * outcomes under readable names, the key figures, the data quality counts, the caveats and the
 * money statement. Every figure is a formula over the Wallboxes sheet, with its value cached.
 */
function summarySheet(input: WorkbookInput, sessionsListed: boolean): SheetSpec {
  const { report, wallboxes } = input;
  const { count, failed } = wallboxes;
  const lastRow = count + 1;
  const statusColumn = columnLetter(4);
  const org = input.orgLabel ?? report.orgId;
  const state = stateSentence(report, wallboxes);
  const banner: StyledCell = report.complete
    ? { value: state, bold: true, ...(plainlyComplete(report) ? {} : { alert: true }) }
    : { value: `${state} Totals cover only the wallboxes read; Data quality gives each one's reason.`, bold: true, alert: true };
  const [monthBefore] = monthsBefore(report.month, 1) as [string];
  const previous = previousMonthOf(report.month, input.earlierMonths);
  const preamble: Cell[][] = [
    [{ value: `${org}: HEMS savings report, ${monthName(report.month)}`, bold: true }],
    [banner],
    [`${monthText(report)}. The Partner API was asked for the UTC days ${report.apiQuery.from} to ${report.apiQuery.to}, inclusive.`],
    [],
  ];
  const rows: Cell[][] = [];
  /** Where each figure's value stands, for the formulas that divide them. */
  const cellOf = new Map<string, string>();
  const add = (row: Cell[], key?: string) => {
    rows.push(row);
    if (key) cellOf.set(key, `B${preamble.length + 1 + rows.length}`);
  };
  const figure = (header: string) => FIGURE_COLUMNS.find((column) => column.header === header)!;
  const sumOf = (header: string): Cell => {
    const column = figure(header);
    const letter = columnLetter(WALLBOX_IDENTITY_COLUMNS.length + 1 + FIGURE_COLUMNS.indexOf(column));
    return { value: { formula: `SUM(Wallboxes!${letter}2:${letter}${lastRow})`, result: column.pick(report.totals) }, numFmt: column.numFmt };
  };
  const change = (current: string, before: string | undefined, places: number, unit?: string): Cell =>
    before === undefined ? null : { value: changeText(current, before, places, unit), alignRight: true };
  const read = count - failed;
  const readBefore =
    previous && previous.wallboxes !== null && previous.failedWallboxes !== null ? previous.wallboxes - previous.failedWallboxes : undefined;

  /** A headline figure: this month's sum, last month's figure in the same format, and the exact change. */
  const headline = (header: string, current: string, before: string | undefined, places: number, unit?: string) =>
    add(
      [
        header,
        sumOf(header),
        before === undefined ? null : { value: Number(before), numFmt: figure(header).numFmt },
        change(current, before, places, unit),
      ],
      header,
    );
  headline("Savings (EUR)", report.totals.savingsEur, previous?.savingsEur, 2, "EUR");
  headline("Energy from solar (kWh)", report.totals.energyFromSolarKwh, previous?.energyFromSolarKwh, 3, "kWh");
  headline("Sessions", String(report.totals.sessions), previous ? String(previous.sessions) : undefined, 0);
  add([
    "Wallboxes read",
    { value: { formula: `COUNTIF(Wallboxes!${statusColumn}2:${statusColumn}${lastRow},"ok")`, result: read }, numFmt: COUNT_FORMAT },
    readBefore === undefined ? null : { value: readBefore, numFmt: COUNT_FORMAT },
    change(String(read), readBefore === undefined ? undefined : String(readBefore), 0),
  ]);
  add(["Wallboxes", { value: { formula: `COUNTA(Wallboxes!C2:C${lastRow})`, result: count }, numFmt: COUNT_FORMAT }]);
  add([
    "Wallboxes failed",
    { value: { formula: `COUNTIF(Wallboxes!${statusColumn}2:${statusColumn}${lastRow},"FAILED")`, result: failed }, numFmt: COUNT_FORMAT },
  ]);
  if (previous && !previous.complete)
    add(["", { value: `${monthName(previous.month)}'s report was INCOMPLETE: the change compares with what it covered.`, span: 3 }]);
  add([]);
  add([
    { value: "Outcomes", bold: true },
    { value: "Sessions", bold: true },
  ]);
  for (const outcome of OUTCOMES) add([OUTCOME_NAMES[outcome], sumOf(OUTCOME_NAMES[outcome])], OUTCOME_NAMES[outcome]);
  add([]);
  add([{ value: "Key figures", bold: true }]);
  add(["Commands sent", sumOf("Commands sent")], "Commands sent");
  add(["Commands applied", sumOf("Commands applied")], "Commands applied");
  add(["Commands ineffective", sumOf("Commands ineffective")]);
  for (const kpi of KPIS) {
    const [numerator, denominator] = [cellOf.get(kpi.numerator)!, cellOf.get(kpi.denominator)!];
    const below = figure(kpi.denominator).pick(report.totals);
    const result = below === 0 ? "n/a" : figure(kpi.numerator).pick(report.totals) / below;
    add([kpi.name, { value: { formula: `IF(${denominator}=0,"n/a",${numerator}/${denominator})`, result }, numFmt: kpi.numFmt }]);
  }
  add([]);
  add([{ value: "Data quality", bold: true }]);
  for (const header of [
    "Open sessions",
    "Sessions with incomplete price coverage",
    "Sessions without savings",
    "Sessions of other months, not counted",
  ])
    add([header, sumOf(header)]);
  // What Podero counts for the org beside what the report covers (the JSON's coverage; Data quality lists each user).
  const { coverage } = report;
  if (coverage.declaredWallboxes !== null) {
    add(["Wallboxes Podero counts for the org", { value: coverage.declaredWallboxes, numFmt: COUNT_FORMAT }]);
    add([
      "Of those, not covered by this report",
      coverage.notCovered > 0 ? { value: coverage.notCovered, numFmt: COUNT_FORMAT, alert: true } : { value: 0, numFmt: COUNT_FORMAT },
    ]);
  } else add(["Wallboxes Podero counts for the org", { value: "not checked (About: Coverage)", alignRight: true }]);
  if (coverage.usersNotListed > 0)
    add(["Users whose wallboxes could not be listed", { value: coverage.usersNotListed, numFmt: COUNT_FORMAT, alert: true }]);
  const texts: [string, string | undefined][] = [
    ["Caveats", caveats(report.totals, report.caveats).join("\n") || undefined],
    [
      sessionsListed ? "Reconciliation with the Sessions sheet" : "Reconciliation with the session detail (CSV)",
      reconciliationText(report, input.unroundedSavingsEur),
    ],
    ["Money", `${MONEY_RULE} Each wallbox is rounded to the cent once; every total is the exact sum of the rounded wallbox figures.`],
  ];
  add([]);
  for (const [label, text] of texts) if (text) add([label, { value: text, span: 3 }]);
  return {
    name: "Summary",
    columns: [
      { header: "Headline", width: 42, wrap: true },
      { header: monthName(report.month), width: 20 },
      { header: previous ? monthName(previous.month) : `${monthName(monthBefore)}: no report found`, width: 20, wrap: true },
      { header: "Change", width: 26, wrap: true },
    ],
    preamble,
    rows,
    filter: false,
  };
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
      if (wallbox.status === "failed")
        yield [null, { value: "Wallbox failed", alert: true }, wallbox.label, wallbox.wallboxId, null, null, `Not read: ${wallbox.error}`];
    }
  }
  if (input.coverageGaps) yield* coverageRows(input.coverageGaps());
  const issues = input.qualityIssues ?? qualityIssuesOf(input.sessions);
  for await (const [issue, label, wallboxId, sessionId, startedAt, detail, atStakeEur] of issues()) {
    yield [asDate(startedAt, input.window.timeZone), issue, label, wallboxId, sessionId, asNumber(atStakeEur), detail];
  }
}

/** One row a finding, in columns: when (the month's wall clock), what kind, which wallbox and session, the EUR at stake, and the detail in words. */
function dataQualitySheet(input: WorkbookInput): SheetSpec {
  return {
    name: "Data quality",
    columns: [
      // A little wider than their widest values, so a right-aligned time or amount never runs into the text beside it.
      { header: timeHeader("Started at", input.window.timeZone), width: 21, numFmt: DATE_TIME_FORMAT },
      { header: "Kind", width: 27 },
      { header: "Wallbox label", width: 18, wrap: true },
      { header: "Wallbox ID", width: 19, wrap: true },
      { header: "Session ID", width: 12 },
      { header: "EUR at stake", width: 14, numFmt: EUR_FORMAT },
      { header: "Detail", width: 60, wrap: true },
    ],
    preamble: [],
    rows: { [Symbol.asyncIterator]: () => dataQualityRows(input) },
    filter: true,
    continues: true,
  };
}

/** Where the wallboxes came from and how far they cover the org as Podero counts it, in words. */
function coverageText(coverage: Coverage): string {
  const from =
    coverage.wallboxesFrom === "config"
      ? "The wallboxes are the config's."
      : `The wallboxes are every wallbox the Partner API lists for the org's users${coverage.deletedWallboxes ? ` (${groupDigits(coverage.deletedWallboxes)} deleted ones left out)` : ""}.`;
  if (coverage.notCheckedBecause !== null)
    return `${from} Whether Podero lists more for this org could not be checked: ${coverage.notCheckedBecause}.`;
  const gap = coverageClause(coverage);
  return `${from} The org's users list counts ${groupDigits(coverage.declaredWallboxes ?? 0)} wallboxes (num_wallboxes) over ${groupDigits(coverage.orgUsers ?? 0)} users. ${gap ? `${gap.replace(/^./, (first) => first.toUpperCase())}: Data quality lists each user concerned.` : "The report covers every one of them."}`;
}

function aboutSheet(input: WorkbookInput): SheetSpec {
  const { report } = input;
  return {
    name: "About",
    columns: [
      { header: "Item", width: 34, wrap: true },
      { header: "Value", width: 104, wrap: true },
    ],
    preamble: [],
    rows: [
      ["Report", `HEMS savings report for ${report.month}`],
      ["Source", input.source],
      ["Organisation", input.orgLabel ? `${input.orgLabel} (org id ${report.orgId})` : report.orgId],
      ["Month", monthText(report)],
      ["Partner API queried for", `the UTC days ${report.apiQuery.from} to ${report.apiQuery.to}, inclusive`],
      ["Generated at (UTC)", report.generatedAt],
      ["Complete", report.complete ? "yes" : "no: see Data quality"],
      ["Coverage", coverageText(report.coverage)],
      ["Which sessions count", periodRule(input.window, "the workbook")],
      ["Rounding rule", ROUNDING_RULE],
      ["Currency", MONEY_RULE],
      ...OUTCOMES.map((outcome) => [
        OUTCOME_NAMES[outcome],
        outcome === "unknown"
          ? "sessions whose outcome the Partner API left empty, or gave as a value its contract does not name"
          : `sessions whose outcome the Partner API gives as ${outcome}`,
      ]),
      ...Object.entries(KPI_DEFINITIONS).map(([name, definition]) => [name, definition]),
      ["Totals", "The Summary's totals are formulas over the Wallboxes sheet; their values are cached, so no recalculation is needed."],
      ["JSON report", `${input.jsonFileName} (schemaVersion ${report.schemaVersion})`],
      [
        "Session detail (CSV)",
        `${csvPointer(input.csvFileNames)}: every session as the API sent it, its columns named as the API names its fields (hems-reports docs/report-format.md describes them)`,
      ],
      ["Schema version", String(report.schemaVersion)],
    ],
    filter: false,
  };
}

export function workbookLayout(input: WorkbookInput): SheetSpec[] {
  const footer = { left: input.orgLabel ?? input.report.orgId, centre: `HEMS savings report ${input.report.month}` };
  const sheets = [
    summarySheet(input, input.report.totals.sessions <= input.sessionRowLimit),
    wallboxesSheet(input.wallboxes, input.report.totals),
    usersSheet(input.wallboxes, input.report.totals, input.maxRowsPerSheet ?? 1_000_000),
    byModelSheet(input.report.byModel),
    trendSheet(input),
    sessionsSheet(input),
    dataQualitySheet(input),
    aboutSheet(input),
  ];
  return sheets.map((sheet) => ({ ...sheet, print: { footer, ...(sheet.name === "Summary" ? { onePage: true } : {}) } }));
}
