import { derivedRunId } from "@hems-reports/core/cloud";
import { manifestSchema, monthlyReportSchema } from "@hems-reports/core/domain/report";
import { runStatusSchema } from "@hems-reports/core/domain/run";
import { startSimulator } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { ORG_ID, sessionItem } from "../support/api.ts";
import { type TestApp, testApp, urlEvent } from "../support/aws.ts";
import {
  body,
  boxes,
  MONTH_PREFIX,
  objectBytes,
  objectJson,
  onDemand,
  runStarted,
  SCHEDULED_RUN,
  s3,
  simulator,
  useFunctionsFixture,
} from "../support/functions.ts";

useFunctionsFixture();

describe("schedules and the month's lease", () => {
  const schedule = (app: TestApp, kind: string, scheduledTime: string) => app.handlers.scheduled({ kind, scheduledTime });

  it("takes the month from the scheduled time, and starts one run however often the event is delivered", async () => {
    // Delivered a day late, and then once more: still October, still one run.
    const app = testApp(s3, simulator, { now: new Date("2026-11-02T09:00:00Z") });
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toEqual({ runId: SCHEDULED_RUN, month: "2026-10", status: "started" });
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toEqual({ runId: SCHEDULED_RUN, month: "2026-10", status: "already started" });
    expect(app.queuedJobs).toEqual([
      {
        runId: SCHEDULED_RUN,
        month: "2026-10",
        trigger: "schedule",
        requestedAt: "2026-11-01T05:00:00.000Z",
        requestedBy: "schedule:monthly",
        timeZone: "UTC",
      },
    ]);
    // A day late, yet queued just now: not taken for a run that never began.
    const queued = body(await onDemand(app)(urlEvent("GET", { query: { runId: SCHEDULED_RUN } })));
    expect(queued).toMatchObject({ status: "running", queuedAt: "2026-11-02T09:00:00.000Z" });
    await app.runQueued();
    // Delivered again after the run finished: nothing happens, and its status stays.
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toMatchObject({ status: "already started" });
    expect(app.queuedJobs).toEqual([]);
    expect(runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${SCHEDULED_RUN}.json`))).toMatchObject({ status: "done" });
  });

  it("takes the month on the org's clock (HEMS_TIMEZONE): 00:30 on 1 November in Vienna reports Vienna's October", async () => {
    // 23:30 UTC on 31 October: October has not ended in UTC, it has in Vienna.
    const app = testApp(s3, simulator, { now: new Date("2026-10-31T23:40:00Z"), timeZone: "Europe/Vienna" });
    const at = (startedAt: string, savings: number, id: number) => sessionItem(id, { started_at: startedAt, savings_eur: savings });
    simulator.setSessions(boxes[0]!.wallboxId, [
      at("2026-09-30T21:30:00.000Z", 5, 1), // 23:30 on 30 September in Vienna
      at("2026-09-30T22:30:00.000Z", 1, 2), // 00:30 on 1 October
      at("2026-10-31T22:30:00.000Z", 2, 3), // 23:30 on 31 October (winter time)
      at("2026-10-31T23:30:00.000Z", 7, 4), // 00:30 on 1 November
    ]);
    expect(await schedule(app, "monthly", "2026-10-31T23:30:00Z")).toEqual({ runId: SCHEDULED_RUN, month: "2026-10", status: "started" });
    expect(app.queuedJobs).toEqual([expect.objectContaining({ month: "2026-10", timeZone: "Europe/Vienna" })]);
    await app.runQueued();
    const manifest = manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`));
    const report = monthlyReportSchema.parse(await objectJson(manifest.files.json.key));
    expect(report).toMatchObject({
      complete: true,
      timezone: "Europe/Vienna",
      window: { start: "2026-10-01T00:00:00+02:00", end: "2026-11-01T00:00:00+01:00" },
      apiQuery: { from: "2026-09-30", to: "2026-10-31" },
    });
    // A session belongs to the month in which it started in Vienna, whichever UTC day the API returned it for.
    expect(report.wallboxes[0]).toMatchObject({ sessions: 2, sessionsOutsideMonth: 2, savingsEur: "3.00" });
    expect(report.totals.sessionsOutsideMonth).toBe(2);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await objectBytes(manifest.files.xlsx.key)) as unknown as ArrayBuffer);
    const notCounted: string[] = [];
    const shownAt: string[] = [];
    const quality = workbook.getWorksheet("Data quality")!;
    // Times show Vienna's wall clock, as the header says.
    expect(quality.getRow(1).getCell(1).value).toBe("Started at (Europe/Vienna)");
    quality.eachRow((row) => {
      if (row.getCell(2).value !== "Not in this month") return;
      notCounted.push(String(row.getCell(7).value));
      shownAt.push((row.getCell(1).value as Date).toISOString());
    });
    expect(shownAt).toEqual(["2026-09-30T23:30:00.000Z", "2026-11-01T00:30:00.000Z"]);
    const sessionsSheet = workbook.getWorksheet("Sessions")!;
    expect(sessionsSheet.getRow(1).getCell(5).value).toBe("Started at (Europe/Vienna)");
    expect((sessionsSheet.getRow(2).getCell(5).value as Date).toISOString()).toBe("2026-10-01T00:30:00.000Z");
    expect(notCounted).toEqual([
      "started 2026-09-30T21:30:00.000Z (2026-09-30 23:30 Europe/Vienna), so it belongs to 2026-09: not counted in 2026-10, though the API returned it for the UTC days 2026-09-30 to 2026-10-31",
      "started 2026-10-31T23:30:00.000Z (2026-11-01 00:30 Europe/Vienna), so it belongs to 2026-11: not counted in 2026-10, though the API returned it for the UTC days 2026-09-30 to 2026-10-31",
    ]);
  });

  it("starts the run on the function's retry when the first delivery could not start it", async () => {
    const app = testApp(s3, simulator);
    const start = app.deps.startRun;
    let refusals = 1;
    app.deps.startRun = async (job) => {
      if (refusals-- > 0) throw new Error("Rate exceeded");
      return start(job);
    };
    await expect(schedule(app, "monthly", "2026-11-01T05:00:00Z")).rejects.toThrow("could not start the run: Rate exceeded");
    expect(app.sentAlerts).toEqual([expect.objectContaining({ runId: SCHEDULED_RUN, what: "run NOT STARTED" })]);
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toMatchObject({ status: "started", runId: SCHEDULED_RUN });
    expect(await runStarted(app)).toMatchObject({ status: "done", complete: true });
  });

  it("catches up a month that has no complete report, once a day, and leaves a complete month alone", async () => {
    const failing = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[0]!.wallboxId ? { status: 404 } : undefined),
    });
    try {
      const down = testApp(s3, failing, { now: new Date("2026-11-01T05:00:00Z") });
      await schedule(down, "monthly", "2026-11-01T05:00:00Z");
      expect(await runStarted(down)).toMatchObject({ complete: false });
      // Day 2: the month is incomplete, so the catch-up runs it again, under an id of its own.
      const app = testApp(s3, simulator, { now: new Date("2026-11-02T05:00:00Z") });
      const caughtUp = await schedule(app, "catch-up", "2026-11-02T05:00:00Z");
      expect(caughtUp).toMatchObject({ month: "2026-10", status: "started", runId: derivedRunId(ORG_ID, "2026-10", "catch-up", "2026-11-02") });
      expect(await schedule(app, "catch-up", "2026-11-02T05:00:00Z")).toMatchObject({ status: "already started" });
      expect(await runStarted(app)).toMatchObject({ runId: caughtUp.runId, complete: true });
      expect(manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`))).toMatchObject({ runId: caughtUp.runId, complete: true });
      // Day 3: complete, so nothing to do.
      expect(await schedule(app, "catch-up", "2026-11-03T05:00:00Z")).toMatchObject({ status: "not needed" });
      expect(app.queuedJobs).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  it("lets one full run of a month run at a time, whichever trigger starts it; a run that ended frees the month", async () => {
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    // Five requests at the same instant: one takes the month's lease, the others are refused.
    const answers = await Promise.all(Array.from({ length: 5 }, () => handler(urlEvent("POST", { body: "{}" }))));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([202, 409, 409, 409, 409]);
    const holder = body(answers.find((answer) => answer.statusCode === 202)!).runId;
    for (const refused of answers.filter((answer) => answer.statusCode === 409)) expect(body(refused)).toMatchObject({ runId: holder });
    // The schedule fires meanwhile: it starts nothing, and says why.
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toMatchObject({ status: "busy" });
    expect(app.queuedJobs.map((job) => job.runId)).toEqual([holder]);
    await app.runQueued();
    // The run is done: the month is free again.
    expect(await schedule(app, "monthly", "2026-11-01T05:00:00Z")).toMatchObject({ status: "started" });
  });

  it("refuses a schedule event it does not know, naming the field", async () => {
    const app = testApp(s3, simulator);
    await expect(app.handlers.scheduled({ kind: "weekly", scheduledTime: "2026-11-01T05:00:00Z" })).rejects.toThrow(
      /invalid schedule step input: kind: /,
    );
    await expect(app.handlers.scheduled({ kind: "monthly" })).rejects.toThrow(/scheduledTime/);
  });
});
