import type { MonthWindow } from "../domain/month/index.ts";
import type { CoverageGap, OrgReader } from "../domain/org/index.ts";
import {
  JSON_SCHEMA_FILE_NAME,
  type MonthTotals,
  monthlyReportJsonSchemaText,
  type ReportHead,
  reportFileNames,
  type WallboxEntries,
  writeMonthlyReportJson,
} from "../domain/report/index.ts";
import type { SessionSource, SessionsReader } from "../domain/sessions/index.ts";
import type { RunPlan, ShardDescriptor } from "../domain/shards/index.ts";
import { summaryPage } from "../domain/summary-page/index.ts";
import { workbookLayout } from "../domain/workbook/index.ts";
import { summaryPdfBytes } from "../formats/pdf/index.ts";
import { writeWorkbook } from "../formats/xlsx/index.ts";
import {
  type FileToWrite,
  type OpenSpool,
  type Producer,
  type ReportStore,
  type StoredFile,
  type WithWorkStore,
  type WorkObject,
  type WorkStore,
  writeTogether,
} from "../ports/index.ts";
import { collectRun } from "./collect.ts";
import { writeDetailPart } from "./detail.ts";
import type { DiscoverySummary } from "./discover.ts";
import { mergedReport } from "./merge.ts";
import { planMonth, type WallboxSource } from "./plan-month.ts";
import type { WallboxProgress } from "./read-wallboxes.ts";
import { runShard, type WallboxesOf } from "./shards.ts";
import type { SessionDetail } from "./stored-detail.ts";

export interface ReadInput {
  /** The run's wallboxes: a config, or every wallbox of the org, found through the Partner API. */
  wallboxes: WallboxSource;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  reader: SessionsReader & OrgReader;
  /** Called once the wallboxes were found through the Partner API. */
  onDiscovered?: (summary: DiscoverySummary) => void;
  /** Where each shard keeps the sessions it read until it stores them. */
  openSpool: OpenSpool;
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
  /** The session detail's CSV parts, written already by their own steps, and the sessions' Data quality lines. */
  detail: SessionDetail;
  /** The coverage check's Data quality lines, one per user whose wallboxes differ from Podero's count. */
  coverageGaps: () => AsyncIterable<CoverageGap>;
  /** The wallbox list the run found through the Partner API, published beside the report. */
  wallboxList?: WorkObject;
  /** The exact sum of every session's savings before the wallboxes' rounding: what a plain sum of the Sessions sheet gives. */
  unroundedSavingsEur?: string;
  /** The organisation's name as the Partner API gives it: what the report calls it when no label is set. */
  organizationName?: string;
}

/** A month read: its plan, and each shard's result in the work store. */
export interface MonthRead {
  work: WorkStore;
  plan: RunPlan;
  source: string;
  wallboxesOf: WallboxesOf;
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
  /** How the workbook's printed pages name the organisation. Default: its id. */
  orgLabel?: string;
  /** Earlier months' totals (latest first), for the Summary's comparison and the Trend sheet. */
  earlierMonths?: readonly MonthTotals[];
}

export interface RunInput extends Omit<ReadInput, "work">, WriteOptions {
  store: ReportStore;
  /** Gives the run a work store of its own for its plan and shards' results (a temporary folder). */
  withWorkStore: WithWorkStore;
  /** Called once the files are written, while the report's entries can still be read (for the email). */
  onWritten?: (content: ReportContent, files: ReportFiles) => Promise<void>;
}

/** What a run stored: the workbook, the JSON and the session detail's CSV file or parts. */
export interface ReportFiles {
  workbook: StoredFile;
  json: StoredFile;
  /** The JSON report's contract (JSON Schema), beside every report. */
  schema: StoredFile;
  csv: StoredFile[];
  /** The one-page PDF summary, and its bytes (small: the finance email attaches them). */
  summary: StoredFile;
  summaryPdf: Buffer;
  /** The wallbox list the run found through the Partner API (`wallboxes-YYYY-MM.jsonl`), when it did. */
  wallboxList?: StoredFile;
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
  pdf: "application/pdf",
  jsonl: "application/jsonl",
} as const;

/** The wallbox list a run found through the Partner API, as published beside its report: a JSON Lines config. */
export const wallboxListFileName = (month: string) => `wallboxes-${month}.jsonl`;

export const DEFAULT_SESSION_ROW_LIMIT = 1_000_000;

/**
 * Plan and shards, in this process: the same steps as the cloud run's workflow, one shard after
 * another. A wallbox that cannot be read is reported as failed and makes the report incomplete;
 * any other error (bad credentials, a bug) rejects, and nothing is written.
 */
export async function readMonthlyReport(input: ReadInput): Promise<MonthRead> {
  const { work } = input;
  // In this process the wallboxes are in memory already: the shards and the merge take them from
  // the split the plan is made of, rather than a second, parsed copy from the work store.
  const { plan, planned } = await planMonth(work, {
    wallboxes: input.wallboxes,
    reader: input.reader,
    window: input.window,
    generatedAt: input.generatedAt,
    shardsFor: () => input.shards ?? 1,
    concurrency: input.concurrency,
    ...(input.onDiscovered ? { onDiscovered: input.onDiscovered } : {}),
  });
  const ordered = planned?.wallboxes;
  if (!ordered || ordered.length !== plan.wallboxes)
    throw new Error(`the plan has ${plan.wallboxes} wallboxes, this process ${ordered?.length} (a bug: please report it)`);
  const wallboxesOf = (shard: ShardDescriptor) => ordered.slice(shard.first, shard.first + shard.count);
  for (const shard of plan.shards) {
    await runShard(work, plan, shard, {
      reader: input.reader,
      openSpool: input.openSpool,
      concurrency: input.concurrency,
      deadline: input.deadline,
      wallboxes: wallboxesOf(shard),
      onWallbox: input.onWallbox && ((progress) => input.onWallbox!({ ...progress, done: shard.first + progress.done, total: plan.wallboxes })),
    });
  }
  return { work, plan, source: input.source, wallboxesOf };
}

/**
 * What follows the shards, in this process, as the workflow runs it: the shards' outcomes
 * collected, the session detail's CSV parts written one after another, then the merge's files.
 */
export async function writeMonthlyReport(
  store: ReportStore,
  read: MonthRead,
  options: WriteOptions = {},
): Promise<RunResult & { content: ReportContent }> {
  const { work, plan, wallboxesOf } = read;
  const collected = await collectRun(work, plan, { csvRowsPerPart: options.csvRowsPerPart });
  for (const part of collected.parts) {
    options.signal?.throwIfAborted();
    options.onFile?.(part.name);
    await writeDetailPart(work, plan, collected, part, { wallboxesOf });
  }
  const content = await mergedReport(work, plan, collected, { source: read.source, wallboxesOf });
  const files = await writeReportFiles(store, content, options);
  const { count, failed } = content.wallboxes;
  return { report: content.report, wallboxes: { count, failed }, ...files, content };
}

/**
 * The workbook and the JSON, produced from the content, and the session detail's CSV parts, taken
 * as their steps wrote them: all complete before any becomes visible.
 */
export async function writeReportFiles(store: ReportStore, content: ReportContent, options: WriteOptions = {}): Promise<ReportFiles> {
  const { signal } = options;
  const { month } = content.window;
  const names = reportFileNames(month);
  const csvFileNames = content.detail.parts.map((part) => part.name);
  const orgLabel = options.orgLabel ?? content.organizationName;
  const sheets = workbookLayout({
    ...content,
    jsonFileName: names.json,
    csvFileNames,
    sessionRowLimit: options.sessionRowLimit ?? DEFAULT_SESSION_ROW_LIMIT,
    qualityIssues: content.detail.qualityIssues,
    coverageGaps: content.coverageGaps,
    ...(orgLabel ? { orgLabel } : {}),
    ...(options.earlierMonths ? { earlierMonths: options.earlierMonths } : {}),
  });
  const summaryPdf = await summaryPdfBytes(
    summaryPage({
      report: content.report,
      wallboxes: { count: content.wallboxes.count, failed: content.wallboxes.failed },
      ...(orgLabel ? { orgLabel } : {}),
      ...(options.earlierMonths ? { earlierMonths: options.earlierMonths } : {}),
      source: content.source,
    }),
  );
  const produced: (FileToWrite & { produce: Producer })[] = [
    { name: names.xlsx, contentType: CONTENT_TYPES.xlsx, produce: (out) => writeWorkbook(sheets, out, { signal }) },
    { name: names.json, contentType: CONTENT_TYPES.json, produce: (out) => writeMonthlyReportJson(content.report, content.wallboxes, out) },
    { name: JSON_SCHEMA_FILE_NAME, contentType: "application/schema+json", produce: async (out) => void out.end(monthlyReportJsonSchemaText()) },
    { name: names.pdf, contentType: CONTENT_TYPES.pdf, produce: async (out) => void out.end(summaryPdf) },
  ];
  const announced = produced.map((file) => ({
    ...file,
    produce: (out: Parameters<Producer>[0]) => {
      options.onFile?.(file.name);
      return file.produce(out);
    },
  }));
  const csvParts: FileToWrite[] = content.detail.parts.map((part) => ({ name: part.name, contentType: CONTENT_TYPES.csv, object: part.object }));
  const listed: FileToWrite[] = content.wallboxList
    ? [{ name: wallboxListFileName(month), contentType: CONTENT_TYPES.jsonl, object: content.wallboxList }]
    : [];
  const [workbook, json, schema, summary, ...rest] = await writeTogether(store, [...announced, ...listed, ...csvParts], signal);
  const wallboxList = content.wallboxList ? rest.shift() : undefined;
  return { workbook: workbook!, json: json!, schema: schema!, summary: summary!, summaryPdf, csv: rest, ...(wallboxList ? { wallboxList } : {}) };
}

/** The monthly report, end to end: read, summarize, write the files. */
export async function runMonthlyReport(input: RunInput): Promise<RunResult> {
  return input.withWorkStore(async (work) => {
    const read = await readMonthlyReport({ ...input, work });
    input.signal?.throwIfAborted();
    const { content, ...result } = await writeMonthlyReport(input.store, read, input);
    await input.onWritten?.(content, result);
    return result;
  });
}
