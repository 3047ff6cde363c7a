import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReportConfig } from "../config/index.ts";
import { MAX_CSV_ROWS_PER_PART, sessionCsvFileNames, sessionCsvRows, writeSessionsCsvPart } from "../csv/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { type ReportHead, reportFileNames, type WallboxEntries, workbookLayout, writeMonthlyReportJson } from "../report/index.ts";
import type { SessionSource, SessionsReader } from "../sessions/index.ts";
import { planShards, type ShardDescriptor } from "../shards/index.ts";
import { type FileToWrite, localWorkStore, type ReportStore, type StoredFile, type WorkStore, writeTogether } from "../storage/index.ts";
import { writeWorkbook } from "../xlsx/index.ts";
import type { WallboxProgress } from "./read-wallboxes.ts";
import { mergedReport, planRun, runShard } from "./shards.ts";

export interface ReadInput {
  config: ReportConfig;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  reader: SessionsReader;
  /** Where the plan and the shards' partial results are kept until the report is written. */
  work: WorkStore;
  /** How many shards the wallboxes are split into (the report is the same for any number). Default 1. */
  shards?: number;
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

export interface RunInput extends Omit<ReadInput, "work">, WriteOptions {
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
  /** How many wallboxes the report lists, and how many failed (the entries themselves are in the files). */
  wallboxes: { count: number; failed: number };
}

export const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  json: "application/json",
  csv: "text/csv; charset=utf-8",
} as const;

export const DEFAULT_SESSION_ROW_LIMIT = 1_000_000;

/**
 * Plan, shards and merge, in this process: the same steps as the cloud run's workflow, one shard
 * after another. A wallbox that cannot be read is reported as failed and makes the report
 * incomplete; any other error (bad credentials, a bug) rejects, and nothing is written.
 */
export async function readMonthlyReport(input: ReadInput): Promise<ReportContent> {
  const { work } = input;
  // In this process the config is in memory already: the shards and the merge take their
  // wallboxes from the split the plan is made of, rather than a second, parsed copy from the work store.
  const shards = input.shards ?? 1;
  const planned = planShards(input.config.wallboxes, shards);
  const plan = await planRun(work, { config: input.config, window: input.window, generatedAt: input.generatedAt, shards, planned });
  const ordered = planned.wallboxes;
  if (ordered.length !== plan.wallboxes)
    throw new Error(`the plan has ${plan.wallboxes} wallboxes, the config ${ordered.length} (a bug: please report it)`);
  const wallboxesOf = (shard: ShardDescriptor) => ordered.slice(shard.first, shard.first + shard.count);
  for (const shard of plan.shards) {
    await runShard(work, plan, shard, {
      reader: input.reader,
      concurrency: input.concurrency,
      deadline: input.deadline,
      wallboxes: wallboxesOf(shard),
      onWallbox: input.onWallbox && ((progress) => input.onWallbox!({ ...progress, done: shard.first + progress.done, total: plan.wallboxes })),
    });
  }
  return mergedReport(work, plan, { source: input.source, wallboxesOf });
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

/** Runs `use` with a work store in a new temporary folder, removed afterwards whatever happens. */
export async function withWorkFolder<T>(use: (work: WorkStore) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), "hems-reports-run-"));
  try {
    return await use(localWorkStore(folder));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The monthly report, end to end: read, summarize, write the files. */
export async function runMonthlyReport(input: RunInput): Promise<RunResult> {
  return withWorkFolder(async (work) => {
    const content = await readMonthlyReport({ ...input, work });
    input.signal?.throwIfAborted();
    const { count, failed } = content.wallboxes;
    return { report: content.report, wallboxes: { count, failed }, ...(await writeReportFiles(input.store, content, input)) };
  });
}
