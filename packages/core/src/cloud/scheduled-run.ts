import { z } from "zod";
import { previousFullMonth } from "../domain/month/index.ts";
import type { RunJob } from "../domain/run/index.ts";
import { derivedRunId, type StartDeps, type StartOutcome, startRun } from "./start-run.ts";

/**
 * What the schedules send (`event` in infra/report.ts): which schedule, and the time it was
 * scheduled for, filled in by EventBridge Scheduler. The month comes from that time, not from
 * when the event arrives, so a late or repeated delivery reports the same month.
 */
export const scheduleEventSchema = z.object({
  kind: z.enum(["monthly", "catch-up"]),
  scheduledTime: z.iso.datetime({ offset: true }),
});
export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;

export type ScheduledOutcome = (StartOutcome | { status: "not needed"; monthRunId: string }) & { runId: string; month: string };

/**
 * A scheduled run of the month that ended before the scheduled time. The monthly schedule's run
 * id is made from the org and the month, so a second delivery of its event starts nothing. The
 * catch-up schedule (a few days later) starts a run only while the month has no complete report,
 * one run id per day.
 */
export async function startScheduledRun(deps: StartDeps, event: ScheduleEvent): Promise<ScheduledOutcome> {
  const scheduledAt = new Date(event.scheduledTime);
  const { month } = previousFullMonth(scheduledAt, deps.timeZone);
  const runId = derivedRunId(deps.orgId, month, event.kind, ...(event.kind === "catch-up" ? [scheduledAt.toISOString().slice(0, 10)] : []));
  if (event.kind === "catch-up") {
    const current = await deps.records.readMonthManifest(month);
    if (current?.manifest.complete) return { status: "not needed", monthRunId: current.manifest.runId, runId, month };
  }
  const job: RunJob = {
    runId,
    month,
    trigger: "schedule",
    requestedAt: scheduledAt.toISOString(),
    requestedBy: `schedule:${event.kind}`,
    timeZone: deps.timeZone,
  };
  return { ...(await startRun(deps, job)), runId, month };
}
