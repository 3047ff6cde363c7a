import { writeDetailPart } from "../pipeline/index.ts";
import { WorkStoreError } from "../ports/index.ts";
import type { DetailStepInput, DetailStepResult, WorkflowDeps } from "./contract.ts";
import { collectedOf } from "./stored-run.ts";

/** One CSV part of the session detail, with its Data quality lines, written once (a repeat does nothing). */
export async function detailStep(deps: WorkflowDeps, input: DetailStepInput): Promise<DetailStepResult> {
  const { job, part } = input;
  const work = deps.workStore(job.runId);
  const { plan, collected } = await collectedOf(work, job.runId);
  const stored = collected.parts[part.index];
  if (!stored || stored.name !== part.name) throw new WorkStoreError(`run ${job.runId} has no CSV part ${part.index + 1} named ${part.name}`);
  const outcome = await writeDetailPart(work, plan, collected, stored);
  if (outcome.status === "done") {
    const { rows, bytes, qualityLines } = outcome.result;
    deps.log.info("CSV part written", { runId: job.runId, part: part.index + 1, name: part.name, sessions: rows, bytes, qualityLines });
  } else deps.log.info("CSV part already written", { runId: job.runId, part: part.index + 1 });
  return { index: part.index, status: outcome.status };
}
