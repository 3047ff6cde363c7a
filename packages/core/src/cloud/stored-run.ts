import { type CollectedRun, type RunPlan, workKeys } from "../domain/shards/index.ts";
import { readCollected, readPlan } from "../pipeline/index.ts";
import { type WorkStore, WorkStoreError } from "../ports/index.ts";

/** The run's plan, which every step after the plan step needs. */
export async function planOf(work: WorkStore, runId: string): Promise<RunPlan> {
  const plan = await readPlan(work);
  if (!plan) throw new WorkStoreError(`run ${runId} has no plan: the plan step did not finish`);
  return plan;
}

/** The run's plan and its shards' outcomes, which every step after the collect step needs. */
export async function collectedOf(work: WorkStore, runId: string): Promise<{ plan: RunPlan; collected: CollectedRun }> {
  const plan = await planOf(work, runId);
  const collected = await readCollected(work, plan);
  if (!collected) throw new WorkStoreError(`run ${runId} has no ${workKeys.collected}: the collect step did not finish`);
  return { plan, collected };
}
