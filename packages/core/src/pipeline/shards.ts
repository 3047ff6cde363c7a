import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ReportConfig, WallboxRef } from "../domain/config/index.ts";
import type { MonthWindow } from "../domain/month/index.ts";
import { decodeWallboxEntry, encodeWallboxEntry, outsideMonthIssues, type WallboxReport } from "../domain/report/index.ts";
import type { WallboxSessions } from "../domain/sessions/index.ts";
import {
  frameHead,
  monthWindowSchema,
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
} from "../domain/shards/index.ts";
import { decodeSessionSegment } from "../formats/session-segments/index.ts";
import { hasWorkObject, type OpenSpool, openWorkLines, readWorkText, type WorkStore } from "../ports/index.ts";
import { writeInTurn } from "../shared/streams/index.ts";
import { type ReadWallboxesInput, readWallboxes } from "./read-wallboxes.ts";
import { parseStored } from "./stored.ts";

export interface PlanInput {
  config: ReportConfig;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  shards: number;
  /** The wallboxes already split (`planShards` of the config), when the caller keeps them in memory. */
  planned?: ShardPlan;
  /** The organisation's name as the Partner API gives it. */
  organizationName?: string;
  /** Names the plan's objects: the wallbox lists of the shards, and objects made before (`planMonth`). */
  attempt?: string;
  coverage?: RunPlan["coverage"];
  wallboxList?: RunPlan["wallboxList"];
}

/**
 * The plan step: splits the wallboxes into shards and stores the plan and each shard's wallbox
 * list. Done once per run: a plan already stored is the answer, whatever this call was given.
 */
export async function planRun(store: WorkStore, input: PlanInput): Promise<RunPlan> {
  const existing = await readPlan(store);
  if (existing) return existing;
  const { wallboxes, shards } = input.planned ?? planShards(input.config.wallboxes, input.shards);
  const attempt = input.attempt ?? randomUUID();
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
    schemaVersion: 2,
    orgId: input.config.orgId,
    window: monthWindowSchema.parse(input.window),
    generatedAt: input.generatedAt.toISOString(),
    wallboxes: wallboxes.length,
    shards: descriptors,
    ...(input.organizationName ? { organizationName: input.organizationName } : {}),
    ...(input.coverage ? { coverage: input.coverage } : {}),
    ...(input.wallboxList ? { wallboxList: input.wallboxList } : {}),
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

export type ShardInput = Omit<ReadWallboxesInput, "orgId" | "wallboxes" | "window" | "spool" | "outsideSpool"> & {
  /**
   * The shard's wallboxes when the caller has them in memory already (the plan was made in this
   * process), so they are not read back as a second copy; otherwise they come from the store.
   */
  wallboxes?: readonly WallboxRef[];
  /** Where the shard keeps the sessions it reads until it stores them. */
  openSpool: OpenSpool;
};

export type ShardResult = { status: "done"; header: PartialHeader } | { status: "already done" };

/**
 * The shard step: reads the shard's wallboxes and stores its partial result, once. A shard whose
 * result is already stored does nothing, so a retried or repeated step is harmless.
 */
export async function runShard(store: WorkStore, plan: RunPlan, shard: ShardDescriptor, input: ShardInput): Promise<ShardResult> {
  const entriesKey = workKeys.shardEntries(shard.index);
  if (await hasWorkObject(store, entriesKey)) return { status: "already done" };
  const wallboxes = input.wallboxes ?? (await readShardWallboxes(store, shard));
  if (wallboxes.length !== shard.count)
    throw new WorkStoreError(`shard ${shard.index + 1} was given ${wallboxes.length} wallboxes, the plan says ${shard.count}`);
  const spool = await input.openSpool();
  const outsideSpool = await input.openSpool();
  try {
    const read = await readWallboxes({ ...input, orgId: plan.orgId, wallboxes, window: plan.window, spool, outsideSpool });
    const attempt = randomUUID();
    const sessionsKey = workKeys.shardSessions(shard.index, attempt);
    await store.create(sessionsKey, async (out) => {
      for (let position = 0; position < wallboxes.length; position++) {
        if (read.read[position] !== 1) continue;
        const segment = (await spool.segment(position))!;
        await writeInTurn(out, frameHead(position, segment.length));
        await writeInTurn(out, segment);
      }
    });
    const outsideKey = workKeys.shardOutside(shard.index, attempt);
    await store.create(outsideKey, async (out) => {
      for (let position = 0; position < wallboxes.length; position++) {
        if (read.read[position] !== 1) continue;
        for (const line of outsideMonthIssues(wallboxes[position]!, await outsideSpool.get(position), plan.window)) {
          await writeInTurn(out, `${JSON.stringify(line)}\n`);
        }
      }
    });
    const header: PartialHeader = {
      schemaVersion: 2,
      shard: shard.index,
      wallboxes: wallboxes.length,
      failed: read.entries.failed,
      totals: read.totals.result(),
      unroundedSavingsEur: read.unroundedSavingsEur,
      caveatSavingsEur: read.caveatSavingsEur,
      sessionsKey,
      outsideKey,
    };
    const created = await store.create(entriesKey, async (out) => {
      await writeInTurn(out, `${JSON.stringify(header)}\n`);
      for await (const entry of read.entries.read()) await writeInTurn(out, `${JSON.stringify(encodeWallboxEntry(entry))}\n`);
    });
    return created ? { status: "done", header } : { status: "already done" };
  } finally {
    await Promise.all([spool.dispose(), outsideSpool.dispose()]);
  }
}

/** A shard's header, or undefined when the shard stored no result. */
export async function readPartialHeader(store: WorkStore, shard: ShardDescriptor): Promise<PartialHeader | undefined> {
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

/** The first wallbox entry a shard stored (after its header), as its wallbox and error; undefined when it has none. */
export async function firstShardEntry(store: WorkStore, shard: ShardDescriptor): Promise<WallboxReport | undefined> {
  const key = workKeys.shardEntries(shard.index);
  const lines = await openWorkLines(store, key);
  if (!lines) return undefined;
  try {
    await lines.next(); // the header
    const first = await lines.next();
    return first.done ? undefined : decodeWallboxEntry(parseStored(z.array(z.unknown()), first.value, key));
  } finally {
    await lines.return(undefined);
  }
}

/** Where the merge and the detail's parts find a shard's wallboxes: in memory (one process) or in the store. */
export type WallboxesOf = (shard: ShardDescriptor) => readonly WallboxRef[] | Promise<readonly WallboxRef[]>;

export const wallboxesFromStore =
  (store: WorkStore): WallboxesOf =>
  (shard) =>
    readShardWallboxes(store, shard);

/**
 * The sessions the shards read, from shard `from` through shard `through`, in report order: each
 * wallbox read, with its sessions. Shards without a result (`headers[i]` undefined) hold none. A
 * shard read to its end must hold as many sessions as its header counts.
 */
export async function* shardSessions(
  store: WorkStore,
  plan: RunPlan,
  headers: readonly (PartialHeader | undefined)[],
  wallboxesOf: WallboxesOf,
  from = 0,
  through = plan.shards.length - 1,
): AsyncGenerator<WallboxSessions> {
  for (const shard of plan.shards.slice(from, through + 1)) {
    const header = headers[shard.index];
    if (!header) continue;
    const wallboxes = await wallboxesOf(shard);
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
}
