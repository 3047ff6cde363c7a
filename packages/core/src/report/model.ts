import type { Writable } from "node:stream";
import type { WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { writeInTurn } from "../storage/index.ts";
import { type Figures, sumFigures } from "../summary/index.ts";
import { PERIOD_RULE, ROUNDING_RULE } from "./rules.ts";
import type { MonthlyReport, ReportHead, WallboxReport } from "./schema.ts";
import type { WallboxEntries } from "./wallbox-entries.ts";

export type WallboxOutcome = { wallbox: WallboxRef; status: "ok"; figures: Figures } | { wallbox: WallboxRef; status: "failed"; error: string };

function identity(wallbox: WallboxRef) {
  return { userId: wallbox.userId, wallboxId: wallbox.wallboxId, label: wallbox.label ?? null };
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

/** The report's head; key order is fixed here, so the same input always serializes to the same bytes. */
export function reportHead(input: ReportHeadInput & { totals: Figures; complete: boolean }): ReportHead {
  return {
    schemaVersion: 1,
    orgId: input.orgId,
    month: input.window.month,
    period: { from: input.window.from, to: input.window.to },
    generatedAt: input.generatedAt.toISOString(),
    complete: input.complete,
    rules: { periodMembership: PERIOD_RULE, rounding: ROUNDING_RULE },
    totals: input.totals,
  };
}

/** A whole report in memory, for small reports and tests; a run keeps its entries apart (`WallboxEntries`). */
export function buildMonthlyReport(input: ReportHeadInput & { wallboxes: readonly WallboxOutcome[] }): MonthlyReport {
  const wallboxes = input.wallboxes.map(wallboxEntry);
  const read = wallboxes.filter((entry) => entry.status === "ok");
  return { ...reportHead({ ...input, totals: sumFigures(read), complete: read.length === wallboxes.length }), wallboxes };
}

export function serializeMonthlyReport(report: MonthlyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes exactly the bytes `serializeMonthlyReport` gives for the head with these entries, a batch
 * of wallboxes at a time and waiting for `out` to drain, so a report of a million wallboxes never
 * exists as one string or one array.
 */
export async function writeMonthlyReportJson(head: ReportHead, entries: WallboxEntries, out: Writable): Promise<void> {
  const write = (text: string) => writeInTurn(out, text);
  if (entries.count === 0) {
    out.end(serializeMonthlyReport({ ...head, wallboxes: [] }));
    return;
  }
  // The head as JSON.stringify lays it out, with "wallboxes" last and its array opened.
  const opening = JSON.stringify({ ...head, wallboxes: [] }, null, 2);
  await write(`${opening.slice(0, opening.lastIndexOf("[]"))}[\n`);
  const indent = (entry: WallboxReport) => `    ${JSON.stringify(entry, null, 2).replaceAll("\n", "\n    ")}`;
  let batch: string[] = [];
  let first = true;
  for await (const entry of entries.read()) {
    batch.push(indent(entry));
    if (batch.length === JSON_BATCH) {
      await write(`${first ? "" : ",\n"}${batch.join(",\n")}`);
      first = false;
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${first ? "" : ",\n"}${batch.join(",\n")}`);
  out.end("\n  ]\n}\n");
}

/** Wallboxes serialized per write: large enough to be cheap, small enough to stay a few hundred KB. */
const JSON_BATCH = 500;

/** The names of a month's report files, wherever they are stored. */
export function reportFileNames(month: string) {
  return { xlsx: `hems-savings-${month}.xlsx`, json: `hems-savings-${month}.json` };
}
