import {
  type CollectedRun,
  collectedRunSchema,
  detailParts,
  type RunPlan,
  type ShardDescriptor,
  type ShardOutcome,
  WorkStoreError,
  workKeys,
} from "../domain/shards/index.ts";
import { MAX_CSV_ROWS_PER_PART, sessionCsvFileNames } from "../formats/csv/index.ts";
import { readWorkText, type WorkStore } from "../ports/index.ts";
import { readPartialHeader } from "./shards.ts";
import { parseStored } from "./stored.ts";

export interface CollectInput {
  /** The most sessions one CSV file holds before the detail is split into parts. Default 1,000,000. */
  csvRowsPerPart?: number;
  /**
   * Why a shard that stored no result failed, when the caller knows (the workflow does). It may
   * throw instead: a shard that should have a result and has none is lost data, never failed rows.
   */
  shardFailure?: (shard: ShardDescriptor) => string;
}

/**
 * After the shards: settles each shard's outcome (its result, or why it has none) and cuts the
 * session detail into its CSV parts, once. A second call answers what the first stored.
 */
export async function collectRun(store: WorkStore, plan: RunPlan, input: CollectInput = {}): Promise<CollectedRun> {
  const existing = await readCollected(store, plan);
  if (existing) return existing;
  const shards: ShardOutcome[] = [];
  for (const shard of plan.shards) {
    const header = await readPartialHeader(store, shard);
    shards.push(
      header
        ? { status: "done", header }
        : { status: "failed", error: input.shardFailure?.(shard) ?? `not read: shard ${shard.index + 1} of ${plan.shards.length} stored no result` },
    );
  }
  const sessions = shards.map((outcome) => (outcome.status === "done" ? outcome.header.totals.sessions : 0));
  const rowsPerPart = input.csvRowsPerPart ?? MAX_CSV_ROWS_PER_PART;
  const names = sessionCsvFileNames(
    plan.window.month,
    sessions.reduce((sum, count) => sum + count, 0),
    rowsPerPart,
  );
  const collected: CollectedRun = { schemaVersion: 1, shards, rowsPerPart, parts: detailParts(sessions, rowsPerPart, names) };
  await store.create(workKeys.collected, async (out) => void out.end(`${JSON.stringify(collected)}\n`));
  // Another collect step may have stored its outcome first: that one is the run's.
  const stored = await readCollected(store, plan);
  if (!stored) throw new WorkStoreError(`${workKeys.collected} was neither created nor found: the work store lost it`);
  return stored;
}

export async function readCollected(store: WorkStore, plan: RunPlan): Promise<CollectedRun | undefined> {
  const text = await readWorkText(store, workKeys.collected);
  if (text === undefined) return undefined;
  const collected = parseStored(collectedRunSchema, text, workKeys.collected);
  if (collected.shards.length !== plan.shards.length) {
    throw new WorkStoreError(`${workKeys.collected} settles ${collected.shards.length} shards, the plan has ${plan.shards.length}`);
  }
  return collected;
}

/** The shards' headers in plan order; undefined for a shard without a result. */
export const collectedHeaders = (collected: CollectedRun) =>
  collected.shards.map((outcome) => (outcome.status === "done" ? outcome.header : undefined));
