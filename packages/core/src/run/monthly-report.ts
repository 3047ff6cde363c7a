import pMap from "p-map";
import type { ReportConfig, WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { WallboxReadError } from "../partner-api/errors.ts";
import {
  buildMonthlyReport,
  monthlyReportSchema,
  serializeMonthlyReport,
  workbookLayout,
  writeWorkbook,
  type MonthlyReport,
  type WallboxOutcome,
} from "../report/index.ts";
import type { Session } from "../sessions/index.ts";
import type { ReportStore, StoredFile } from "../storage/index.ts";
import { summarizeWallbox } from "../summary/index.ts";

/** The port the run reads sessions through; `PartnerApiClient` is the real one. */
export interface SessionsReader {
  listSessions(orgId: string, wallbox: WallboxRef, window: MonthWindow): Promise<Session[]>;
}

export type WallboxProgress = {
  done: number;
  total: number;
  wallbox: WallboxRef;
  durationMs: number;
} & ({ status: "ok"; sessions: number; savingsEur: string } | { status: "failed"; error: string });

export interface RunInput {
  config: ReportConfig;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  reader: SessionsReader;
  store: ReportStore;
  concurrency: number;
  onWallbox?: (progress: WallboxProgress) => void;
}

export interface RunResult {
  report: MonthlyReport;
  workbook: StoredFile;
  json: StoredFile;
}

export const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  json: "application/json",
} as const;

export function reportFileNames(month: string) {
  return { xlsx: `hems-savings-${month}.xlsx`, json: `hems-savings-${month}.json` };
}

interface WallboxRead {
  outcome: WallboxOutcome;
  sessions: Session[];
}

/**
 * The monthly report, end to end: read every wallbox (bounded concurrency), summarize, then write
 * the workbook and the JSON. A wallbox that cannot be read is reported as failed and makes the
 * report incomplete; any other error (bad credentials, a bug) stops the run before anything is
 * written.
 */
export async function runMonthlyReport(input: RunInput): Promise<RunResult> {
  const { config, window } = input;
  let done = 0;
  const reads = await pMap(
    config.wallboxes,
    async (wallbox): Promise<WallboxRead> => {
      const started = performance.now();
      let read: WallboxRead;
      try {
        const sessions = await input.reader.listSessions(config.orgId, wallbox, window);
        read = { outcome: { wallbox, status: "ok", figures: summarizeWallbox(sessions, window) }, sessions };
      } catch (error) {
        if (!(error instanceof WallboxReadError)) throw error;
        read = { outcome: { wallbox, status: "failed", error: error.message }, sessions: [] };
      }
      done++;
      const common = { done, total: config.wallboxes.length, wallbox, durationMs: performance.now() - started };
      input.onWallbox?.(
        read.outcome.status === "ok"
          ? { ...common, status: "ok", sessions: read.sessions.length, savingsEur: read.outcome.figures.savingsEur }
          : { ...common, status: "failed", error: read.outcome.error },
      );
      return read;
    },
    { concurrency: input.concurrency },
  );

  const report = monthlyReportSchema.parse(
    buildMonthlyReport({ orgId: config.orgId, window, generatedAt: input.generatedAt, wallboxes: reads.map((read) => read.outcome) }),
  );
  const names = reportFileNames(window.month);
  const sheets = workbookLayout({
    report,
    window,
    source: input.source,
    jsonFileName: names.json,
    sessions: reads.filter((read) => read.outcome.status === "ok").map((read) => ({ wallbox: read.outcome.wallbox, sessions: read.sessions })),
  });
  const workbook = await input.store.write(names.xlsx, CONTENT_TYPES.xlsx, (out) => writeWorkbook(sheets, out));
  const json = await input.store.write(names.json, CONTENT_TYPES.json, async (out) => {
    out.end(serializeMonthlyReport(report));
  });
  return { report, workbook, json };
}
