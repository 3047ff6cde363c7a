import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ReportConfig, WallboxRef } from "../config/index.ts";
import type { MonthWindow } from "../month/index.ts";
import {
  assertReportHead,
  assertWallboxEntry,
  decodeWallboxEntry,
  encodeWallboxEntry,
  reportHead,
  type WallboxEntries,
  type WallboxReport,
  wallboxEntry,
} from "../report/index.ts";
import type { SessionSource } from "../sessions/index.ts";
import {
  frameHead,
  type PartialHeader,
  partialHeaderSchema,
  planShards,
  type RunPlan,
  readFrames,
  runPlanSchema,
  type ShardDescriptor,
  type ShardPlan,
  shardWallboxSchema,
  WorkStoreError,
  workKeys,
} from "../shards/index.ts";
import { createFileSpool, decodeSessionSegment } from "../spool/index.ts";
import { openWorkLines, readWorkText, type WorkStore, writeInTurn } from "../storage/index.ts";
import { FiguresTotal } from "../summary/index.ts";
import type { ReportContent } from "./monthly-report.ts";
import { type ReadWallboxesInput, readWallboxes } from "./read-wallboxes.ts";

export interface PlanInput {
  config: ReportConfig;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  shards: number;
  /** The wallboxes already split (`planShards` of the config), when the caller keeps them in memory. */
  planned?: ShardPlan;
}

/**
 * The plan step: splits the wallboxes into shards and stores the plan and each shard's wallbox
 * list. Done once per run: a plan already stored is the answer, whatever this call was given.
 */
export async function planRun(store: WorkStore, input: PlanInput): Promise<RunPlan> {
  const existing = await readPlan(store);
  if (existing) return existing;
  const { wallboxes, shards } = input.planned ?? planShards(input.config.wallboxes, input.shards);
  const attempt = randomUUID();
  const descriptors: ShardDescriptor[] = [];
  for (const shard of shards) {
    const wallboxesKey = workKeys.shardWallboxes(attempt, shard.index);
    await store.create(wallboxesKey, async (out) => {
      for (let position = shard.first; position < shard.first + shard.count; position++) {
        await writeInTurn(out, `${JSON.stringify(wallboxes[position])}\n`);
      }
    });
    descriptors.push({ ...shard, wallboxesKey });
  }
  const plan: RunPlan = {
    schemaVersion: 1,
    orgId: input.config.orgId,
    window: { month: input.window.month, from: input.window.from, to: input.window.to },
    generatedAt: input.generatedAt.toISOString(),
    wallboxes: wallboxes.length,
    shards: descriptors,
  };
  await store.create(workKeys.plan, async (out) => void out.end(`${JSON.stringify(plan)}\n`));
  // Another plan step may have stored its plan first: that one is the run's.
  const stored = await readPlan(store);
  if (!stored) throw new WorkStoreError(`${workKeys.plan} was neither created nor found: the work store lost it`);
  return stored;
}

export async function readPlan(store: WorkStore): Promise<RunPlan | undefined> {
  const text = await readWorkText(store, workKeys.plan);
  if (text === undefined) return undefined;
  return parseStored(runPlanSchema, text, workKeys.plan);
}

function parseStored<T>(schema: z.ZodType<T>, text: string, key: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WorkStoreError(`${key} is not JSON: the run's work objects were damaged`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new WorkStoreError(`${key} is not what this version writes: ${parsed.error.message}`, { cause: parsed.error });
  return parsed.data;
}

/** A shard's wallboxes, in report order. */
export async function readShardWallboxes(store: WorkStore, shard: ShardDescriptor): Promise<WallboxRef[]> {
  const lines = await openWorkLines(store, shard.wallboxesKey);
  if (!lines) throw new WorkStoreError(`${shard.wallboxesKey} is missing: the plan names it`);
  const wallboxes: WallboxRef[] = [];
  for await (const line of lines) wallboxes.push(parseStored(shardWallboxSchema, line, shard.wallboxesKey));
  if (wallboxes.length !== shard.count) {
    throw new WorkStoreError(`${shard.wallboxesKey} lists ${wallboxes.length} wallboxes, the plan says ${shard.count}`);
  }
  return wallboxes;
}

export type ShardInput = Omit<ReadWallboxesInput, "orgId" | "wallboxes" | "window" | "spool"> & {
  /**
   * The shard's wallboxes when the caller has them in memory already (the plan was made in this
   * process), so they are not read back as a second copy; otherwise they come from the store.
   */
  wallboxes?: readonly WallboxRef[];
};

export type ShardResult = { status: "done"; header: PartialHeader } | { status: "already done" };

/**
 * The shard step: reads the shard's wallboxes and stores its partial result, once. A shard whose
 * result is already stored does nothing, so a retried or repeated step is harmless.
 */
export async function runShard(store: WorkStore, plan: RunPlan, shard: ShardDescriptor, input: ShardInput): Promise<ShardResult> {
  const entriesKey = workKeys.shardEntries(shard.index);
  const stored = await store.open(entriesKey);
  if (stored) {
    stored.destroy();
    return { status: "already done" };
  }
  const wallboxes = input.wallboxes ?? (await readShardWallboxes(store, shard));
  if (wallboxes.length !== shard.count)
    throw new WorkStoreError(`shard ${shard.index + 1} was given ${wallboxes.length} wallboxes, the plan says ${shard.count}`);
  const spool = await createFileSpool();
  try {
    const read = await readWallboxes({ ...input, orgId: plan.orgId, wallboxes, window: plan.window, spool });
    const sessionsKey = workKeys.shardSessions(shard.index, randomUUID());
    await store.create(sessionsKey, async (out) => {
      for (let position = 0; position < wallboxes.length; position++) {
        if (read.read[position] !== 1) continue;
        const segment = (await spool.segment(position))!;
        await writeInTurn(out, frameHead(position, segment.length));
        await writeInTurn(out, segment);
      }
    });
    const header: PartialHeader = {
      schemaVersion: 1,
      shard: shard.index,
      wallboxes: wallboxes.length,
      failed: read.entries.failed,
      totals: read.totals.result(),
      sessionsKey,
    };
    const created = await store.create(entriesKey, async (out) => {
      await writeInTurn(out, `${JSON.stringify(header)}\n`);
      for await (const entry of read.entries.read()) await writeInTurn(out, `${JSON.stringify(encodeWallboxEntry(entry))}\n`);
    });
    return created ? { status: "done", header } : { status: "already done" };
  } finally {
    await spool.dispose();
  }
}

/** A shard's header, or undefined when the shard stored no result. */
async function readPartialHeader(store: WorkStore, shard: ShardDescriptor): Promise<PartialHeader | undefined> {
  const key = workKeys.shardEntries(shard.index);
  const lines = await openWorkLines(store, key);
  if (!lines) return undefined;
  const first = await lines.next();
  await lines.return(undefined);
  if (first.done) throw new WorkStoreError(`${key} is empty`);
  const header = parseStored(partialHeaderSchema, first.value, key);
  if (header.shard !== shard.index || header.wallboxes !== shard.count) {
    throw new WorkStoreError(`${key} is the result of another shard (${header.shard}, ${header.wallboxes} wallboxes)`);
  }
  return header;
}

export interface MergeInput {
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  /** Why a shard that stored no result failed, when the caller knows (the workflow does). */
  shardFailure?: (shard: ShardDescriptor) => string;
  /** A shard's wallboxes when the caller has them in memory already (see `ShardInput.wallboxes`). */
  wallboxesOf?: (shard: ShardDescriptor) => readonly WallboxRef[];
}

/**
 * The merge step's view of a run: the report's head from the shards' headers, and its entries and
 * sessions streamed from their partial results in plan order, exactly as one process would have
 * them. A shard that stored no result makes each of its wallboxes a failed entry: the report is
 * incomplete, never short of rows.
 */
export async function mergedReport(store: WorkStore, plan: RunPlan, input: MergeInput): Promise<ReportContent> {
  const headers: (PartialHeader | undefined)[] = [];
  const totals = new FiguresTotal();
  let failed = 0;
  // Why each shard without a result failed, asked before anything is written (the caller may refuse).
  const failures = new Map<number, string>();
  for (const shard of plan.shards) {
    const header = await readPartialHeader(store, shard);
    headers.push(header);
    if (header) {
      totals.add(header.totals);
      failed += header.failed;
    } else {
      failed += shard.count;
      failures.set(shard.index, input.shardFailure?.(shard) ?? `not read: shard ${shard.index + 1} of ${plan.shards.length} stored no result`);
    }
  }
  const failure = (shard: ShardDescriptor) => failures.get(shard.index)!;

  const entries: WallboxEntries = {
    count: plan.wallboxes,
    failed,
    async *read(): AsyncGenerator<WallboxReport> {
      let position = 0;
      for (const [index, shard] of plan.shards.entries()) {
        if (!headers[index]) {
          for (const wallbox of input.wallboxesOf?.(shard) ?? (await readShardWallboxes(store, shard))) {
            yield assertWallboxEntry(wallboxEntry({ wallbox, status: "failed", error: failure(shard) }), position++);
          }
          continue;
        }
        const key = workKeys.shardEntries(shard.index);
        const lines = (await openWorkLines(store, key))!;
        await lines.next(); // the header
        let count = 0;
        for await (const line of lines) {
          yield assertWallboxEntry(decodeWallboxEntry(parseStored(entryLineSchema, line, key)), position++);
          count++;
        }
        if (count !== shard.count) throw new WorkStoreError(`${key} holds ${count} entries, the plan says ${shard.count}`);
      }
    },
  };

  const sessions: SessionSource = async function* () {
    for (const [index, shard] of plan.shards.entries()) {
      const header = headers[index];
      if (!header) continue;
      const wallboxes = input.wallboxesOf?.(shard) ?? (await readShardWallboxes(store, shard));
      const stream = await store.open(header.sessionsKey);
      if (!stream) throw new WorkStoreError(`${header.sessionsKey} is missing: shard ${shard.index + 1}'s result names it`);
      let count = 0;
      for await (const frame of readFrames(stream, header.sessionsKey)) {
        const wallbox = wallboxes[frame.index];
        if (!wallbox) throw new WorkStoreError(`${header.sessionsKey} holds sessions of a wallbox the shard does not have`);
        const list = await decodeSessionSegment(frame.segment);
        count += list.length;
        yield { wallbox, sessions: list };
      }
      // The header's totals were summed from the same sessions: fewer here would be sessions lost.
      if (count !== header.totals.sessions) {
        throw new WorkStoreError(`${header.sessionsKey} holds ${count} sessions, shard ${shard.index + 1}'s result counts ${header.totals.sessions}`);
      }
    }
  };

  const report = assertReportHead(
    reportHead({
      orgId: plan.orgId,
      window: plan.window,
      generatedAt: new Date(plan.generatedAt),
      totals: totals.result(),
      complete: failed === 0,
    }),
  );
  return { report, wallboxes: entries, window: plan.window, source: input.source, sessions };
}

/** An entry line is the entry's values; `decodeWallboxEntry` and the entry's schema check the rest. */
const entryLineSchema = z.array(z.unknown());

export { WorkStoreError };
