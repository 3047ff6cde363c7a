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
import { NothingReadError } from "../shared/errors/index.ts";
import { firstShardEntry, readPartialHeader } from "./shards.ts";
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
  await refuseNothingRead(store, plan, shards);
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

/**
 * A run in which not one wallbox could be read has no report: it would tell finance "0 of N
 * wallboxes, 0.00 EUR". It stops here, with the first wallbox's reason, before anything is stored.
 */
async function refuseNothingRead(store: WorkStore, plan: RunPlan, shards: readonly ShardOutcome[]): Promise<void> {
  const read = shards.reduce((sum, outcome) => sum + (outcome.status === "done" ? outcome.header.wallboxes - outcome.header.failed : 0), 0);
  if (plan.wallboxes === 0 || read > 0) return;
  let example: string | undefined;
  for (const [index, outcome] of shards.entries()) {
    if (outcome.status === "failed") example = outcome.error;
    else {
      const entry = await firstShardEntry(store, plan.shards[index]!);
      if (entry?.status === "failed") example = `wallbox ${entry.wallboxId}: ${entry.error}`;
    }
    if (example) break;
  }
  throw new NothingReadError(
    `not one of the ${plan.wallboxes} wallboxes could be read, so there is no report to write${example ? ` (the first: ${example})` : ""}`,
  );
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
