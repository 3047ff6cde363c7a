import { readPlan } from "../run/shards.ts";
import { workKeys } from "../shards/index.ts";
import type { WorkStore } from "../storage/index.ts";

/** How far a run has come: its shards, and how many have stored their result. */
export interface RunProgress {
  shards: number;
  shardsDone: number;
}

/** A run's progress from its work objects; undefined before its plan is stored. */
export async function runProgress(work: WorkStore): Promise<RunProgress | undefined> {
  const plan = await readPlan(work);
  if (!plan) return undefined;
  const results = new Set(plan.shards.map((shard) => workKeys.shardEntries(shard.index)));
  let shardsDone = 0;
  for await (const key of work.list("shards/")) if (results.has(key)) shardsDone++;
  return { shards: plan.shards.length, shardsDone };
}
