import pMap from "p-map";
import type { ReportConfig, WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { WallboxReadError } from "../partner-api/errors.ts";
import {
  buildMonthlyReport,
  type MonthlyReport,
  monthlyReportSchema,
  reportFileNames,
  serializeMonthlyReport,
  type WallboxOutcome,
  workbookLayout,
  writeWorkbook,
} from "../report/index.ts";
import type { Session } from "../sessions/index.ts";
import { type ReportStore, type StoredFile, writeTogether } from "../storage/index.ts";
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

export interface ReadInput {
  config: ReportConfig;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  reader: SessionsReader;
  concurrency: number;
  /**
   * When this aborts (the run's time is nearly up), wallboxes not read by then are reported as
   * failed with the signal's reason, and the report is still written.
   */
  deadline?: AbortSignal;
  onWallbox?: (progress: WallboxProgress) => void;
}

/** A month read and summarized, ready to be written. */
export interface ReportContent {
  report: MonthlyReport;
  window: MonthWindow;
  source: string;
  /** The sessions of each wallbox that was read, in report order. */
  sessions: ReadonlyArray<{ wallbox: WallboxRef; sessions: readonly Session[] }>;
}

export interface RunInput extends ReadInput {
  store: ReportStore;
  /** Stops writing (nothing becomes visible) when the run is stopped, for example by Ctrl+C. */
  signal?: AbortSignal;
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

interface WallboxRead {
  outcome: WallboxOutcome;
  sessions: Session[];
}

function deadlineReason(deadline: AbortSignal): string {
  return deadline.reason instanceof Error ? deadline.reason.message : "not read: the run reached its time limit";
}

/**
 * Reads every wallbox (bounded concurrency) and summarizes the month. A wallbox that cannot be
 * read is reported as failed and makes the report incomplete; any other error (bad credentials,
 * a bug) rejects, and nothing is written.
 */
export async function readMonthlyReport(input: ReadInput): Promise<ReportContent> {
  const { config, window, deadline } = input;
  let done = 0;
  const reads = await pMap(
    config.wallboxes,
    async (wallbox): Promise<WallboxRead> => {
      const started = performance.now();
      let read: WallboxRead;
      try {
        if (deadline?.aborted) throw new WallboxReadError(deadlineReason(deadline));
        const sessions = await input.reader.listSessions(config.orgId, wallbox, window);
        read = { outcome: { wallbox, status: "ok", figures: summarizeWallbox(sessions, window) }, sessions };
      } catch (error) {
        const reason = error instanceof WallboxReadError ? error.message : deadline?.aborted ? deadlineReason(deadline) : undefined;
        if (reason === undefined) throw error;
        read = { outcome: { wallbox, status: "failed", error: reason }, sessions: [] };
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
  const sessions = reads.filter((read) => read.outcome.status === "ok").map((read) => ({ wallbox: read.outcome.wallbox, sessions: read.sessions }));
  return { report, window, source: input.source, sessions };
}

/** The workbook and the JSON, produced in full before either becomes visible. */
export async function writeReportFiles(
  store: ReportStore,
  content: ReportContent,
  signal?: AbortSignal,
): Promise<{ workbook: StoredFile; json: StoredFile }> {
  const names = reportFileNames(content.window.month);
  const sheets = workbookLayout({ ...content, jsonFileName: names.json });
  const [workbook, json] = await writeTogether(
    store,
    [
      { name: names.xlsx, contentType: CONTENT_TYPES.xlsx, produce: (out) => writeWorkbook(sheets, out, { signal }) },
      { name: names.json, contentType: CONTENT_TYPES.json, produce: async (out) => void out.end(serializeMonthlyReport(content.report)) },
    ],
    signal,
  );
  return { workbook: workbook!, json: json! };
}

/** The monthly report, end to end: read, summarize, write both files. */
export async function runMonthlyReport(input: RunInput): Promise<RunResult> {
  const content = await readMonthlyReport(input);
  input.signal?.throwIfAborted();
  return { report: content.report, ...(await writeReportFiles(input.store, content, input.signal)) };
}
