import type { StartDeps } from "@hems-reports/core/cloud";
import type { BaseDeps } from "./deps.ts";
import { runRecords, runTimeLimits } from "./run-store.ts";
import { runLog } from "./workflow-deps.ts";

/** Starting runs, wired to this stage's bucket and workflow. */
export function startDeps(deps: BaseDeps): StartDeps {
  return {
    orgId: deps.settings.orgId,
    timeZone: deps.settings.timeZone,
    records: runRecords(deps),
    startWorkflow: deps.startRun,
    async workflowRunning(runId) {
      const execution = await deps.describeRun(runId);
      return execution && ["RUNNING", "PENDING_REDRIVE"].includes(execution.status);
    },
    now: deps.now,
    limits: runTimeLimits(deps),
    log: runLog(deps.logger),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
  };
}
