import type { Writable } from "node:stream";
import { writeInTurn } from "../../shared/streams/index.ts";
import type { WallboxRef } from "../config/index.ts";
import { parseDecimal, roundEur } from "../money/index.ts";
import { isoWithOffset, type MonthWindow } from "../month/index.ts";
import { type Coverage, uncheckedCoverage } from "../org/index.ts";
import { type CaveatSavings, type Figures, sumFigures } from "../summary/index.ts";
import { modelSummaries } from "./by-model.ts";
import { kpisOf } from "./kpis.ts";
import { MONEY_RULE, periodRule, ROUNDING_RULE } from "./rules.ts";
import type { ModelReport, MonthlyReport, ReportHead, UserReport, WallboxReport } from "./schema.ts";
import { userReport, userSummaries } from "./users.ts";
import { entriesFromList, type WallboxEntries } from "./wallbox-entries.ts";

export type WallboxOutcome = { wallbox: WallboxRef; status: "ok"; figures: Figures } | { wallbox: WallboxRef; status: "failed"; error: string };

function identity(wallbox: WallboxRef) {
  return {
    userId: wallbox.userId,
    wallboxId: wallbox.wallboxId,
    label: wallbox.label ?? null,
    externalUserId: wallbox.externalUserId ?? null,
    externalDeviceId: wallbox.externalDeviceId ?? null,
    manufacturer: wallbox.manufacturer ?? null,
    model: wallbox.model ?? null,
  };
}

/** One wallbox's entry in the report, made as soon as the wallbox is read; key order fixed here. */
export function wallboxEntry(outcome: WallboxOutcome): WallboxReport {
  return outcome.status === "ok"
    ? { ...identity(outcome.wallbox), status: "ok", ...outcome.figures }
    : { ...identity(outcome.wallbox), status: "failed", error: outcome.error };
}

interface ReportHeadInput {
  orgId: string;
  window: MonthWindow;
  generatedAt: Date;
}

const centsOrNull = (exact: string | undefined) => (exact === undefined ? null : roundEur(parseDecimal(exact)));

/** The report's head; key order is fixed here, so the same input always serializes to the same bytes. */
export function reportHead(
  input: ReportHeadInput & {
    totals: Figures;
    wallboxCounts: { listed: number; failed: number };
    caveatSavingsEur?: CaveatSavings | undefined;
    coverage: Coverage;
    byModel: ModelReport[];
  },
): ReportHead {
  const { window } = input;
  return {
    schemaVersion: 4,
    orgId: input.orgId,
    month: window.month,
    timezone: window.timeZone,
    window: { start: isoWithOffset(Date.parse(window.start), window.timeZone), end: isoWithOffset(Date.parse(window.end), window.timeZone) },
    apiQuery: { from: window.from, to: window.to },
    currency: "EUR",
    generatedAt: input.generatedAt.toISOString(),
    complete: input.wallboxCounts.failed === 0 && input.coverage.usersNotListed === 0,
    wallboxCounts: { listed: input.wallboxCounts.listed, failed: input.wallboxCounts.failed },
    coverage: input.coverage,
    rules: { periodMembership: periodRule(window, "the report"), rounding: ROUNDING_RULE, money: MONEY_RULE },
    totals: input.totals,
    kpis: kpisOf(input.totals),
    caveats: {
      openSessionsSavingsEur: centsOrNull(input.caveatSavingsEur?.open),
      incompletePriceCoverageSavingsEur: centsOrNull(input.caveatSavingsEur?.incompletePriceCoverage),
    },
    byModel: input.byModel,
  };
}

/** A whole report in memory, for small reports and tests; a run keeps its entries apart (`WallboxEntries`). */
export async function buildMonthlyReport(
  input: ReportHeadInput & { wallboxes: readonly WallboxOutcome[]; caveatSavingsEur?: CaveatSavings; coverage?: Coverage },
): Promise<MonthlyReport> {
  const wallboxes = input.wallboxes.map(wallboxEntry);
  const read = wallboxes.filter((entry) => entry.status === "ok");
  const users: UserReport[] = [];
  for await (const user of userSummaries(entriesFromList(wallboxes))) users.push(userReport(user));
  const wallboxCounts = { listed: wallboxes.length, failed: wallboxes.length - read.length };
  const byModel = await modelSummaries(entriesFromList(wallboxes));
  const coverage = input.coverage ?? uncheckedCoverage("not asked: a report built in memory");
  return { ...reportHead({ ...input, totals: sumFigures(read), wallboxCounts, coverage, byModel }), users, wallboxes };
}

export function serializeMonthlyReport(report: MonthlyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes the items of one of the report's arrays as `JSON.stringify(…, null, 2)` lays them out
 * inside it, a batch at a time and waiting for `out` to drain; "[]" when there are none.
 */
async function writeArrayItems<T>(items: AsyncIterable<T>, out: Writable): Promise<void> {
  const write = (text: string) => writeInTurn(out, text);
  const indent = (item: T) => `    ${JSON.stringify(item, null, 2).replaceAll("\n", "\n    ")}`;
  let batch: string[] = [];
  let first = true;
  for await (const item of items) {
    batch.push(indent(item));
    if (batch.length === JSON_BATCH) {
      await write(`${first ? "[\n" : ",\n"}${batch.join(",\n")}`);
      first = false;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await write(`${first ? "[\n" : ",\n"}${batch.join(",\n")}`);
    first = false;
  }
  await write(first ? "[]" : "\n  ]");
}

async function* usersOf(entries: WallboxEntries): AsyncGenerator<UserReport> {
  for await (const user of userSummaries(entries)) yield userReport(user);
}

/**
 * Writes exactly the bytes `serializeMonthlyReport` gives for the head with these entries: the
 * users, then the wallboxes, streamed a batch at a time, so a report of a million wallboxes never
 * exists as one string or one array.
 */
export async function writeMonthlyReportJson(head: ReportHead, entries: WallboxEntries, out: Writable): Promise<void> {
  // The head as JSON.stringify lays it out, with "users" and "wallboxes" last; each array is filled where its "[]" stands.
  const layout = JSON.stringify({ ...head, users: [], wallboxes: [] }, null, 2);
  const usersAt = layout.lastIndexOf('"users": []') + '"users": '.length;
  const wallboxesAt = layout.lastIndexOf('"wallboxes": []') + '"wallboxes": '.length;
  await writeInTurn(out, layout.slice(0, usersAt));
  await writeArrayItems(usersOf(entries), out);
  await writeInTurn(out, layout.slice(usersAt + 2, wallboxesAt));
  await writeArrayItems(entries.read(), out);
  out.end(`${layout.slice(wallboxesAt + 2)}\n`);
}

/** Wallboxes serialized per write: large enough to be cheap, small enough to stay a few hundred KB. */
const JSON_BATCH = 500;

/** The names of a month's report files, wherever they are stored. */
export function reportFileNames(month: string) {
  return { xlsx: `hems-savings-${month}.xlsx`, json: `hems-savings-${month}.json`, pdf: `hems-savings-${month}-summary.pdf` };
}
