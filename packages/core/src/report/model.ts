import { once } from "node:events";
import type { Writable } from "node:stream";
import type { WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { type Figures, sumFigures } from "../summary/index.ts";
import { PERIOD_RULE, ROUNDING_RULE } from "./rules.ts";
import type { MonthlyReport, WallboxReport } from "./schema.ts";

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

/** Assembles the report; key order is fixed here, so the same input always serializes to the same bytes. */
export function buildMonthlyReport(input: ReportHeadInput & { wallboxes: readonly WallboxOutcome[] }): MonthlyReport {
  return assembleMonthlyReport({ ...input, wallboxes: input.wallboxes.map(wallboxEntry) });
}

/** The report around entries already made: totals are the exact sums of the entries that were read. */
export function assembleMonthlyReport(input: ReportHeadInput & { wallboxes: WallboxReport[] }): MonthlyReport {
  const { wallboxes } = input;
  const okFigures = wallboxes.filter((entry) => entry.status === "ok");
  return {
    schemaVersion: 1,
    orgId: input.orgId,
    month: input.window.month,
    period: { from: input.window.from, to: input.window.to },
    generatedAt: input.generatedAt.toISOString(),
    complete: okFigures.length === wallboxes.length,
    rules: { periodMembership: PERIOD_RULE, rounding: ROUNDING_RULE },
    totals: sumFigures(okFigures),
    wallboxes,
  };
}

export function serializeMonthlyReport(report: MonthlyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes exactly the bytes of `serializeMonthlyReport`, a batch of wallboxes at a time and
 * waiting for `out` to drain, so a report of a million wallboxes never exists as one string.
 */
export async function writeMonthlyReportJson(report: MonthlyReport, out: Writable): Promise<void> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  const { wallboxes, ...head } = report;
  if (wallboxes.length === 0) {
    out.end(serializeMonthlyReport(report));
    return;
  }
  // The head as JSON.stringify lays it out, with "wallboxes" last and its array opened.
  const opening = JSON.stringify({ ...head, wallboxes: [] }, null, 2);
  await write(`${opening.slice(0, opening.lastIndexOf("[]"))}[\n`);
  const indent = (text: string) => `    ${text.replaceAll("\n", "\n    ")}`;
  for (let start = 0; start < wallboxes.length; start += JSON_BATCH) {
    const batch = wallboxes.slice(start, start + JSON_BATCH).map((wallbox) => indent(JSON.stringify(wallbox, null, 2)));
    await write(`${start === 0 ? "" : ",\n"}${batch.join(",\n")}`);
  }
  out.end("\n  ]\n}\n");
}

/** Wallboxes serialized per write: large enough to be cheap, small enough to stay a few hundred KB. */
const JSON_BATCH = 500;

/** The names of a month's report files, wherever they are stored. */
export function reportFileNames(month: string) {
  return { xlsx: `hems-savings-${month}.xlsx`, json: `hems-savings-${month}.json` };
}
