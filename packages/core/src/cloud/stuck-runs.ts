import { alertSafely, type OperatorAlerts } from "../domain/alerts/index.ts";
import { currentStatus, type RunStatus, type RunTimeLimits } from "../domain/run/index.ts";
import type { RunRecords } from "../ports/index.ts";
import type { RunLog } from "./contract.ts";

/**
 * A run's status as it stands now: one that still says "running" past its limits never finished
 * (its workflow was stopped at its time limit, or never began it), so it is recorded as failed,
 * once, and operators are told. Whoever looks at the run first (its status, the month's lease) does it.
 */
export async function settledStatus(
  deps: { records: RunRecords; alerts?: OperatorAlerts; log: RunLog; now(): Date; limits: RunTimeLimits },
  status: RunStatus,
): Promise<RunStatus> {
  const current = currentStatus(status, deps.now(), deps.limits);
  if (status.status === "running" && current.status === "failed") {
    // Looked at again just before: a run that finished meanwhile keeps its result.
    const latest = await deps.records.readStatus(status.runId);
    if (latest?.status !== "running") return latest ?? current;
    await deps.records.writeStatus(current);
    deps.log.error("run STUCK: recorded as failed", { runId: current.runId, month: current.month, error: current.error });
    await alertSafely(
      deps.alerts,
      { month: current.month, runId: current.runId, what: "run STUCK, recorded as failed", reason: current.error },
      deps.log,
    );
  }
  return current;
}
