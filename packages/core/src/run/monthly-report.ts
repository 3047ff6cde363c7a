import pMap from "p-map";
import type { ReportConfig, WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { WallboxReadError } from "../partner-api/errors.ts";
import {
  assertReportHead,
  assertWallboxEntry,
  MAX_CSV_ROWS_PER_PART,
  type ReportHead,
  reportFileNames,
  reportHead,
  sessionCsvFileNames,
  sessionCsvRows,
  type WallboxEntries,
  WallboxEntryArena,
  type WallboxOutcome,
  wallboxEntry,
  workbookLayout,
  writeMonthlyReportJson,
  writeSessionsCsvPart,
  writeWorkbook,
} from "../report/index.ts";
import { chronological, type Session, type SessionSource } from "../sessions/index.ts";
import { createFileSpool, type SessionSpool } from "../spool/index.ts";
import { type FileToWrite, type ReportStore, type StoredFile, writeTogether } from "../storage/index.ts";
import { FiguresTotal, summarizeWallbox } from "../summary/index.ts";

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
  /** Keeps the sessions read until the writers want them, so they are never all in memory. */
  spool: SessionSpool;
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
  report: ReportHead;
  /** Each wallbox's entry, kept compactly outside the heap: a large org has very many. */
  wallboxes: WallboxEntries;
  window: MonthWindow;
  source: string;
  /** The sessions of each wallbox that was read, in report order, each wallbox's in chronological order. */
  sessions: SessionSource;
}

export interface WriteOptions {
  /** Stops writing (nothing becomes visible) when the run is stopped, for example by Ctrl+C. */
  signal?: AbortSignal;
  /** The most sessions the workbook lists; the CSV always holds all. Default 1,000,000. */
  sessionRowLimit?: number;
  /** The most sessions one CSV file holds before the detail is split into parts. Default 1,000,000. */
  csvRowsPerPart?: number;
  /** Called as each file starts being produced: a large month takes a while to write. */
  onFile?: (name: string) => void;
}

export interface RunInput extends Omit<ReadInput, "spool">, WriteOptions {
  store: ReportStore;
}

/** What a run stored: the workbook, the JSON and the session detail's CSV file or parts. */
export interface ReportFiles {
  workbook: StoredFile;
  json: StoredFile;
  csv: StoredFile[];
}

export interface RunResult extends ReportFiles {
  report: ReportHead;
  wallboxes: WallboxEntries;
}

export const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  json: "application/json",
  csv: "text/csv; charset=utf-8",
} as const;

export const DEFAULT_SESSION_ROW_LIMIT = 1_000_000;

function deadlineReason(deadline: AbortSignal): string {
  return deadline.reason instanceof Error ? deadline.reason.message : "not read: the run reached its time limit";
}

/**
 * Reads every wallbox (bounded concurrency) and summarizes the month. A wallbox that cannot be
 * read is reported as failed and makes the report incomplete; any other error (bad credentials,
 * a bug) rejects, and nothing is written.
 */
export async function readMonthlyReport(input: ReadInput): Promise<ReportContent> {
  const { config, window, deadline, spool } = input;
  // Per wallbox, only compact bytes and running sums stay in memory while the month is read.
  const entries = new WallboxEntryArena();
  const totals = new FiguresTotal();
  const read = new Uint8Array(config.wallboxes.length);
  let done = 0;
  await pMap(
    config.wallboxes,
    async (wallbox, position): Promise<void> => {
      const started = performance.now();
      let outcome: WallboxOutcome;
      let sessionCount = 0;
      try {
        if (deadline?.aborted) throw new WallboxReadError(deadlineReason(deadline));
        const sessions = await input.reader.listSessions(config.orgId, wallbox, window);
        outcome = { wallbox, status: "ok", figures: summarizeWallbox(sessions, window) };
        sessionCount = sessions.length;
        // The sessions wait on disk for the writers.
        await spool.put(position, chronological(sessions));
      } catch (error) {
        const reason = error instanceof WallboxReadError ? error.message : deadline?.aborted ? deadlineReason(deadline) : undefined;
        if (reason === undefined) throw error;
        outcome = { wallbox, status: "failed", error: reason };
      }
      done++;
      const common = { done, total: config.wallboxes.length, wallbox, durationMs: performance.now() - started };
      input.onWallbox?.(
        outcome.status === "ok"
          ? { ...common, status: "ok", sessions: sessionCount, savingsEur: outcome.figures.savingsEur }
          : { ...common, status: "failed", error: outcome.error },
      );
      // The entry is made and checked now, wallbox by wallbox, and kept as compact bytes.
      entries.put(position, assertWallboxEntry(wallboxEntry(outcome), position));
      if (outcome.status === "ok") {
        totals.add(outcome.figures);
        read[position] = 1;
      }
    },
    { concurrency: input.concurrency },
  );

  await spool.flush();
  const report = assertReportHead(
    reportHead({ orgId: config.orgId, window, generatedAt: input.generatedAt, totals: totals.result(), complete: entries.failed === 0 }),
  );
  const sessions: SessionSource = async function* () {
    for (let position = 0; position < read.length; position++) {
      if (read[position] === 1) yield { wallbox: config.wallboxes[position]!, sessions: await spool.get(position) };
    }
  };
  return { report, wallboxes: entries, window, source: input.source, sessions };
}

/**
 * The workbook, the JSON and the session detail as CSV (one file, or parts of at most
 * `csvRowsPerPart` sessions), all produced in full before any becomes visible.
 */
export async function writeReportFiles(store: ReportStore, content: ReportContent, options: WriteOptions = {}): Promise<ReportFiles> {
  const { signal } = options;
  const { month } = content.window;
  const names = reportFileNames(month);
  const rowsPerPart = options.csvRowsPerPart ?? MAX_CSV_ROWS_PER_PART;
  const csvFileNames = sessionCsvFileNames(month, content.report.totals.sessions, rowsPerPart);
  const sheets = workbookLayout({
    ...content,
    jsonFileName: names.json,
    csvFileNames,
    sessionRowLimit: options.sessionRowLimit ?? DEFAULT_SESSION_ROW_LIMIT,
  });
  // One pass over the sessions feeds the CSV parts one after another.
  const csvRows = sessionCsvRows(content.sessions)[Symbol.asyncIterator]();
  const csvParts: FileToWrite[] = csvFileNames.map((name, index) => ({
    name,
    contentType: CONTENT_TYPES.csv,
    produce: async (out) => {
      await writeSessionsCsvPart(csvRows, rowsPerPart, out);
      // The parts were counted from the totals; a session left over would be a session dropped.
      if (index === csvFileNames.length - 1 && !(await csvRows.next()).done) {
        throw new Error(`the session detail holds more sessions than the report's ${content.report.totals.sessions} (a bug: please report it)`);
      }
    },
  }));
  const files: FileToWrite[] = [
    { name: names.xlsx, contentType: CONTENT_TYPES.xlsx, produce: (out) => writeWorkbook(sheets, out, { signal }) },
    { name: names.json, contentType: CONTENT_TYPES.json, produce: (out) => writeMonthlyReportJson(content.report, content.wallboxes, out) },
    ...csvParts,
  ];
  const announced = files.map((file) => ({
    ...file,
    produce: (out: Parameters<FileToWrite["produce"]>[0]) => {
      options.onFile?.(file.name);
      return file.produce(out);
    },
  }));
  const [workbook, json, ...csv] = await writeTogether(store, announced, signal);
  return { workbook: workbook!, json: json!, csv };
}

/** Runs `use` with a spool in a temporary file, closed afterwards whatever happens (the file never has a name on disk). */
export async function withSessionSpool<T>(use: (spool: SessionSpool) => Promise<T>): Promise<T> {
  const spool = await createFileSpool();
  try {
    return await use(spool);
  } finally {
    await spool.dispose();
  }
}

/** The monthly report, end to end: read, summarize, write the files. */
export async function runMonthlyReport(input: RunInput): Promise<RunResult> {
  return withSessionSpool(async (spool) => {
    const content = await readMonthlyReport({ ...input, spool });
    input.signal?.throwIfAborted();
    return { report: content.report, wallboxes: content.wallboxes, ...(await writeReportFiles(input.store, content, input)) };
  });
}
