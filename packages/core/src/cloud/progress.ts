import { workKeys } from "../domain/shards/index.ts";
import { readCollected, readPlan } from "../pipeline/index.ts";
import type { WorkStore } from "../ports/index.ts";

/** How far a run has come: its shards and how many have stored their result, then its CSV parts and how many are written. */
export interface RunProgress {
  shards: number;
  shardsDone: number;
  /** Once the shards are collected. */
  csvParts?: number;
  csvPartsDone?: number;
}

/** A run's progress from its work objects; undefined before its plan is stored. */
export async function runProgress(work: WorkStore): Promise<RunProgress | undefined> {
  const plan = await readPlan(work);
  if (!plan) return undefined;
  const results = new Set(plan.shards.map((shard) => workKeys.shardEntries(shard.index)));
  let shardsDone = 0;
  for await (const key of work.list("shards/")) if (results.has(key)) shardsDone++;
  const collected = await readCollected(work, plan);
  if (!collected) return { shards: plan.shards.length, shardsDone };
  const markers = new Set(collected.parts.map((part) => workKeys.detailPart(part.index)));
  let csvPartsDone = 0;
  for await (const key of work.list("detail/")) if (markers.has(key)) csvPartsDone++;
  return { shards: plan.shards.length, shardsDone, csvParts: collected.parts.length, csvPartsDone };
}
