import { createHash, verify as cryptoVerify, generateKeyPairSync } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { groupDigits } from "@hems-reports/core/email";
import { manifestSchema, monthlyReportSchema } from "@hems-reports/core/report";
import { runStatusSchema } from "@hems-reports/core/run-records";
import { putObject, readObjectText } from "@hems-reports/core/s3";
import { derivedRunId, type ShardStepResult } from "@hems-reports/core/workflow";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import type { Context } from "aws-lambda";
import ExcelJS from "exceljs";
import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SHARD_WRITE_RESERVE_MS } from "../packages/functions/src/steps/shard.ts";
import { ORG_ID, sessionItem, sessionItems, wallboxRef } from "./support/api.ts";
import { CONFIG_KEY, type TestApp, testApp, uploadConfig, urlEvent } from "./support/aws.ts";
import { awsCalls, deniedCalls } from "./support/iam.ts";
import { functionsClient, type LocalS3, startLocalS3 } from "./support/s3.ts";
import { type AslState, evaluate, WORKFLOW_FUNCTIONS, workflowDefinition } from "./support/workflow.ts";

const boxes = [wallboxRef("aws-1", "Garage"), wallboxRef("aws-2", "Carport"), wallboxRef("aws-3")];
const config = { orgId: ORG_ID, wallboxes: boxes };
const MONTH_PREFIX = `reports/${ORG_ID}/2026-10/`;

let s3: LocalS3;
let simulator: Simulator;
/** What the functions logged during the current test (stdout and stderr, as Lambda would ship them). */
let logs: string[] = [];
const forbiddenInLogs = () => [simulator.credentials.clientSecret, "Basic ", "Bearer ", "sim_", "Signature=", "x-amz-security-token"];
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());
beforeEach(async () => {
  awsCalls.length = 0;
  logs = [];
  const capture = (chunk: unknown) => {
    logs.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  await s3.clear();
  simulator = await startSimulator({ seed: "aws" });
  simulator.setSessions(boxes[0]!.wallboxId, [sessionItem(1, { savings_eur: 1.005 }), sessionItem(2, { savings_eur: 2.675 })]);
  simulator.setSessions(boxes[1]!.wallboxId, sessionItems(201));
  await uploadConfig(s3, config);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await simulator.close();
  // Whatever a test did, no credential, token or signature may reach a log line.
  const text = logs.join("");
  for (const secret of forbiddenInLogs()) expect(text).not.toContain(secret);
  // Nor may any AWS call the deployed roles would refuse (test/support/iam.ts).
  expect(deniedCalls()).toEqual([]);
});

async function objectBytes(key: string): Promise<Buffer> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}
const objectJson = async (key: string): Promise<unknown> => JSON.parse((await objectBytes(key)).toString("utf8"));
/** The key of the report file that the month's manifest names (each run's files are under its own prefix). */
const monthFile = async (kind: "json" | "xlsx") => manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`)).files[kind].key;

/** The monthly schedule's trigger (its event as the scheduler fills it in), then the workflow it started, run in process; the workflow's result, or its error. */
async function scheduled(app: TestApp) {
  const event = { kind: "monthly", scheduledTime: app.deps.now().toISOString() };
  expect(await app.handlers.scheduled(event)).toMatchObject({ status: "started" });
  return runStarted(app);
}
/** A full run started on demand (a new run id each time), then its workflow, run in process. */
async function fullRun(app: TestApp) {
  expect((await app.handlers.onDemand(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
  return runStarted(app);
}
async function runStarted(app: TestApp) {
  const [outcome] = await app.runQueued();
  if (outcome!.status === "rejected") throw outcome!.reason;
  return outcome!.value;
}
/** The monthly schedule's run of October 2026: its id is made from the org and the month. */
const SCHEDULED_RUN = derivedRunId(ORG_ID, "2026-10", "monthly");
const onDemand = (app: TestApp) => app.handlers.onDemand;
const body = (result: { body?: string }) => JSON.parse(result.body ?? "null") as Record<string, unknown>;

describe("scheduled function", () => {
  it("reports the previous month to S3: workbook, JSON, then a manifest that vouches for both", async () => {
    const app = testApp(s3, simulator);
    expect(await scheduled(app)).toEqual({ runId: SCHEDULED_RUN, status: "done", complete: true });

    const manifest = manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`));
    expect(manifest).toMatchObject({ runId: SCHEDULED_RUN, orgId: ORG_ID, month: "2026-10", scope: "all", complete: true });
    for (const file of [manifest.files.xlsx, manifest.files.json]) {
      const bytes = await objectBytes(file.key);
      expect(bytes.length).toBe(file.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
    }
    expect(manifest.files.xlsx.key).toBe(`${MONTH_PREFIX}runs/${SCHEDULED_RUN}/hems-savings-2026-10.xlsx`);
    expect(manifest.files.json.contentType).toBe("application/json");

    const report = monthlyReportSchema.parse(await objectJson(manifest.files.json.key));
    const generated = simulator.sessionsFor(boxes[2]!.wallboxId, "2026-10-01", "2026-10-31").length;
    expect(report.wallboxes.map((wallbox) => (wallbox.status === "ok" ? wallbox.sessions : -1))).toEqual([2, 201, generated]);
    expect(report.wallboxes[0]).toMatchObject({ savingsEur: "3.68", label: "Garage" });
    expect(report.wallboxes[1]).toMatchObject({ savingsEur: "50.25", energyFromSolarKwh: "301.500" });
    expect(report.totals.sessions).toBe(203 + generated);
    expect(manifest.totals).toEqual({
      wallboxes: 3,
      failedWallboxes: 0,
      sessions: report.totals.sessions,
      savingsEur: report.totals.savingsEur,
      energyFromSolarKwh: report.totals.energyFromSolarKwh,
    });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await objectBytes(manifest.files.xlsx.key)) as unknown as ArrayBuffer);
    let savings: ExcelJS.CellValue = null;
    workbook.getWorksheet("Summary")!.eachRow((row) => {
      if (row.getCell(1).value === "Savings (EUR)") savings = row.getCell(2).value;
    });
    expect((savings as unknown as ExcelJS.CellFormulaValue).result).toBe(Number(report.totals.savingsEur));

    const status = runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${SCHEDULED_RUN}.json`));
    expect(status).toMatchObject({
      status: "done",
      trigger: "schedule",
      complete: true,
      placement: "month",
      manifestKey: `${MONTH_PREFIX}manifest.json`,
      keys: { manifest: `${MONTH_PREFIX}runs/${SCHEDULED_RUN}/manifest.json` },
    });
    // The month's manifest is the run's own, and names the run's files.
    expect(await objectJson(`${MONTH_PREFIX}runs/${SCHEDULED_RUN}/manifest.json`)).toEqual(manifest);
  });

  it("compares with the previous month's report, found through its manifest, on the Summary and the Trend sheet", async () => {
    const app = testApp(s3, simulator);
    expect((await onDemand(app)(urlEvent("POST", { body: JSON.stringify({ month: "2026-09" }) }))).statusCode).toBe(202);
    await runStarted(app);
    await scheduled(app);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await objectBytes(await monthFile("xlsx"))) as unknown as ArrayBuffer);
    const september = manifestSchema.parse(await objectJson(`reports/${ORG_ID}/2026-09/manifest.json`));
    const trend = workbook
      .getWorksheet("Trend")!
      .getSheetValues()
      .slice(2)
      .map((row) => (row as ExcelJS.CellValue[]).slice(1, 6));
    expect(trend).toEqual([
      ["2026-09", "yes", 3, 0, september.totals.sessions],
      ["2026-10", "yes", 3, 0, expect.any(Number)],
    ]);
    let previous: ExcelJS.CellValue = null;
    workbook.getWorksheet("Summary")!.eachRow((row) => {
      if (row.getCell(1).value === "Previous month (2026-09)") previous = row.getCell(2).value;
    });
    expect(previous).toMatch(new RegExp(`${september.totals.sessions} sessions \\(complete\\)$`));
  });

  it("writes an incomplete report naming the wallbox that failed", async () => {
    const failing = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[1]!.wallboxId ? { status: 404 } : undefined),
    });
    try {
      const app = testApp(s3, failing);
      await scheduled(app);
      const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
      expect(report.complete).toBe(false);
      expect(report.wallboxes[1]).toMatchObject({ status: "failed", error: expect.stringMatching(/HTTP 404/) });
      expect(manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`))).toMatchObject({
        complete: false,
        totals: { failedWallboxes: 1 },
      });
      // Operators hear of it.
      expect(app.sentAlerts).toEqual([
        {
          month: "2026-10",
          runId: SCHEDULED_RUN,
          what: "report INCOMPLETE (1 of 3 wallboxes failed)",
          reason: expect.stringMatching(/Data quality sheet/),
        },
      ]);
    } finally {
      await failing.close();
    }
  });

  it("never replaces a complete report of the month with an incomplete one: that run is kept aside", async () => {
    await scheduled(testApp(s3, simulator));
    const complete = await objectBytes(`${MONTH_PREFIX}manifest.json`);
    const workbook = await objectBytes(await monthFile("xlsx"));
    const failing = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[0]!.wallboxId ? { status: 503 } : undefined),
    });
    try {
      const app = testApp(s3, failing, { now: new Date("2026-11-03T05:00:00Z"), firstRun: 2 });
      await fullRun(app);
      expect((await objectBytes(`${MONTH_PREFIX}manifest.json`)).equals(complete)).toBe(true);
      expect((await objectBytes(await monthFile("xlsx"))).equals(workbook)).toBe(true);
      const status = runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/00000000-0000-4000-8000-000000000002.json`));
      expect(status).toMatchObject({ status: "done", complete: false, placement: "set-aside" });
      const manifestKey = `${MONTH_PREFIX}runs/00000000-0000-4000-8000-000000000002/manifest.json`;
      expect(status.manifestKey).toBe(manifestKey);
      expect(manifestSchema.parse(await objectJson(manifestKey))).toMatchObject({ complete: false, totals: { failedWallboxes: 1 } });
    } finally {
      await failing.close();
    }
  });

  it("stops reading a shard in time to store its result when the invocation runs out of time", async () => {
    const hanging = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[2]!.wallboxId ? { hang: true } : undefined),
    });
    try {
      const app = testApp(s3, hanging);
      const job = {
        runId: "00000000-0000-4000-8000-0000000000bb",
        month: "2026-10",
        trigger: "schedule",
        requestedAt: "2026-11-01T05:00:00.000Z",
      } as const;
      const planned = await app.handlers.plan(job);
      const context = { getRemainingTimeInMillis: () => SHARD_WRITE_RESERVE_MS + 300 } as Context;
      const started = Date.now();
      const result = await app.handlers.shard({ job, shard: planned.shards[0]! }, context);
      expect(Date.now() - started).toBeLessThan(1_900); // the request timeout (2 s) did not have to fire
      expect(await app.afterShards(job, [result])).toMatchObject({ status: "done", complete: false });
      const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
      expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "ok", "failed"]);
      expect(report.wallboxes[2]).toMatchObject({ error: "not read: the shard reached its time limit before this wallbox was done" });
    } finally {
      await hanging.close();
    }
  });

  it("fails before any request on a malformed secret, naming the missing key but not the values", async () => {
    const app = testApp(s3, simulator, { secret: JSON.stringify({ clientId: "client-id-value-7f3a" }) });
    // The execution fails with the plan's error: its name, and its message.
    const error = (await scheduled(app).catch((caught: unknown) => caught)) as Error;
    const message = `secret ${app.deps.settings.secretArn} is missing "clientSecret" (client credentials need both, as non-empty strings)`;
    expect(error.message).toBe(`CredentialsError: ${message}`);
    expect(error.message).not.toContain("client-id-value-7f3a");
    expect(boxes.map((box) => simulator.requestsFor(box.wallboxId))).toEqual([0, 0, 0]);
    const status = runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${SCHEDULED_RUN}.json`));
    expect(status).toMatchObject({ status: "failed", error: message });
  });

  it.each([
    ["not JSON", "{token:", /is not JSON/],
    ["neither form", JSON.stringify({ user: "x" }), /has neither "token" nor "clientId" and "clientSecret" \(it has "user"\)/],
    ["an empty token", JSON.stringify({ token: "" }), /has an empty or non-string "token"/],
  ])("names the problem of a secret that is %s", async (_name, secret, message) => {
    await expect(scheduled(testApp(s3, simulator, { secret }))).rejects.toThrow(message);
  });

  it("uses a bearer token from the secret", async () => {
    const app = testApp(s3, simulator, { secret: JSON.stringify({ token: simulator.issueToken() }) });
    expect(await scheduled(app)).toMatchObject({ status: "done" });
  });

  it("reads the secret again after a 401, and carries on with the rotated credentials", async () => {
    const app = testApp(s3, simulator);
    await scheduled(app);
    expect(app.secretReads()).toBe(1);
    simulator.revokeTokens();
    expect(await fullRun(app)).toMatchObject({ status: "done" });
    expect(app.secretReads()).toBe(2);
  });

  it("fails before any request when the config object is missing or invalid, naming the key and field", async () => {
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: CONFIG_KEY }));
    await expect(scheduled(testApp(s3, simulator))).rejects.toThrow(`the wallbox config s3://${s3.bucket}/${CONFIG_KEY} (or `);
    await uploadConfig(s3, { orgId: ORG_ID, wallboxes: [boxes[0], { ...boxes[1], userId: "nope" }] });
    await expect(fullRun(testApp(s3, simulator, { firstRun: 2 }))).rejects.toThrow(
      `invalid wallbox config s3://${s3.bucket}/${CONFIG_KEY}: wallboxes[1].userId: invalid uuid`,
    );
    await uploadConfig(s3, { ...config, orgId: wallboxRef("other").userId });
    await expect(fullRun(testApp(s3, simulator, { firstRun: 3 }))).rejects.toThrow(/orgId: .* is not this stage's org/);
    expect(boxes.map((box) => simulator.requestsFor(box.wallboxId))).toEqual([0, 0, 0]);
  });

  it("reads a JSON Lines config a line at a time when there is one, instead of the JSON one", async () => {
    const lines = [JSON.stringify({ orgId: ORG_ID }), ...boxes.slice(0, 2).map((box) => JSON.stringify(box))].join("\n");
    await putObject(s3, "config/wallboxes.jsonl", Buffer.from(`${lines}\n`), "application/x-ndjson");
    await scheduled(testApp(s3, simulator));
    const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
    expect(report.wallboxes.map((wallbox) => wallbox.wallboxId)).toEqual([boxes[0]!.wallboxId, boxes[1]!.wallboxId]);
    // The on-demand function checks requested ids against it, too.
    const answer = await onDemand(testApp(s3, simulator, { firstRun: 5 }))(
      urlEvent("POST", { body: JSON.stringify({ wallboxIds: [boxes[2]!.wallboxId] }) }),
    );
    expect(answer.statusCode).toBe(400);
    expect(body(answer)).toMatchObject({ issues: [{ field: "wallboxIds", message: `not configured: ${boxes[2]!.wallboxId}` }] });
    await putObject(s3, "config/wallboxes.jsonl", Buffer.from(`${lines}\n{"userId": "x"}\n`), "application/x-ndjson");
    await expect(fullRun(testApp(s3, simulator, { firstRun: 6 }))).rejects.toThrow(
      `invalid wallbox config s3://${s3.bucket}/config/wallboxes.jsonl: line 4 (a wallbox): userId: invalid uuid`,
    );
  });

  it("keeps the previous manifest when an S3 write fails midway", async () => {
    const first = testApp(s3, simulator);
    await scheduled(first);
    const before = await objectBytes(`${MONTH_PREFIX}manifest.json`);

    const second = testApp(s3, simulator, { now: new Date("2026-11-02T05:00:00Z"), firstRun: 2 });
    second.deps.s3 = functionsClient(s3, { failPuts: /hems-savings-2026-10\.json$/, iam: { orgId: ORG_ID } });
    await expect(fullRun(second)).rejects.toThrow(/cannot write s3:\/\/.*hems-savings-2026-10\.json/);
    expect((await objectBytes(`${MONTH_PREFIX}manifest.json`)).equals(before)).toBe(true);
    expect(manifestSchema.parse(JSON.parse(before.toString())).generatedAt).toBe("2026-11-01T05:00:00.000Z");
  });
});

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
    expect(quality.getRow(1).getCell(5).value).toBe("Started at (Europe/Vienna)");
    quality.eachRow((row) => {
      if (row.getCell(1).value !== "Not in this month") return;
      notCounted.push(String(row.getCell(6).value));
      shownAt.push((row.getCell(5).value as Date).toISOString());
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

describe("the finance email", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const links = {
    domain: "d111111abcdef8.cloudfront.net",
    keyPairId: "K2JCJMDEHXQW5F",
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
  const finance = { recipients: ["finance@acme.example"], links };

  /** A signed CloudFront URL checks out against the key group's public key, and is valid until `Expires`. */
  function checkSigned(link: string) {
    const url = new URL(link);
    const expires = Number(url.searchParams.get("Expires"));
    expect(url.searchParams.get("Key-Pair-Id")).toBe(links.keyPairId);
    const resource = `${url.origin}${url.pathname}`;
    const policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { "AWS:EpochTime": expires } } }] });
    const signature = Buffer.from(url.searchParams.get("Signature")!.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
    expect(cryptoVerify("RSA-SHA1", Buffer.from(policy), publicKey, signature)).toBe(true);
    return { key: decodeURIComponent(url.pathname.slice(1)), expires: new Date(expires * 1000) };
  }

  it("goes to finance once the report is the month's, with signed links to exactly the files the manifest names, valid 8 days", async () => {
    const app = testApp(s3, simulator, { finance });
    await scheduled(app);
    expect(app.sentEmails).toHaveLength(1);
    const mail = await simpleParser(app.sentEmails[0]!);
    expect(mail.subject).toBe("Acme Energie GmbH: HEMS savings report 2026-10: complete");
    expect(mail.from?.text).toBe('"HEMS reports" <reports@acme.example>');
    const manifest = manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`));
    expect(mail.text).toContain(`Savings: ${groupDigits(manifest.totals.savingsEur)} EUR`);
    const signed = [...mail.text!.matchAll(/https:\/\/\S+/g)].map(([link]) => checkSigned(link));
    expect(signed.map((link) => link.key)).toEqual([manifest.files.xlsx.key, manifest.files.json.key, ...manifest.files.csv.map((file) => file.key)]);
    for (const link of signed) expect(link.expires.getTime() - app.deps.now().getTime()).toBe(8 * 86_400_000);
    expect(mail.text).toContain("the links work until 2026-11-09T05:00:00.000Z");
    for (const secret of [links.privateKey.split("\n")[1]!, simulator.credentials.clientSecret])
      expect(app.sentEmails[0]!.toString()).not.toContain(secret);

    // The merge retried (say, after its status write failed): the email is not sent again.
    await app.handlers.merge({
      job: { runId: SCHEDULED_RUN, month: "2026-10", trigger: "schedule", requestedAt: app.deps.now().toISOString() },
    });
    expect(app.sentEmails).toHaveLength(1);
  });

  it("says what a rerun replaces and how the totals moved; a report that does not become the month's sends nothing", async () => {
    await scheduled(testApp(s3, simulator, { finance }));
    simulator.setSessions(boxes[0]!.wallboxId, [sessionItem(1, { savings_eur: 1.005 }), sessionItem(2, { savings_eur: 3 })]);
    const rerun = testApp(s3, simulator, { finance, now: new Date("2026-11-04T05:00:00Z"), firstRun: 2 });
    await fullRun(rerun);
    const mail = await simpleParser(rerun.sentEmails[0]!);
    expect(mail.subject).toBe("Acme Energie GmbH: HEMS savings report 2026-10: complete (replaces an earlier report)");
    expect(mail.text).toContain(`It replaces the report of run ${SCHEDULED_RUN}, generated 2026-11-01T05:00:00.000Z (complete).`);
    expect(mail.text).toMatch(/Savings: [\d,.]+ → [\d,.]+ EUR \(\+0\.33\)/);
    // Which wallboxes moved: in the email, and beside the report as JSON for systems.
    const restatementKey = `${MONTH_PREFIX}runs/00000000-0000-4000-8000-000000000002/restatement.json`;
    expect(mail.text).toContain(`Wallboxes whose figures moved: 1; all of them, for systems, in ${restatementKey}:`);
    expect(mail.text).toContain(`Garage (wallbox ${boxes[0]!.wallboxId}): savings 3.68 → 4.01 EUR (+0.33), energy 3.000 → 3.000 kWh, sessions 2 → 2`);
    expect(await objectJson(restatementKey)).toEqual({
      schemaVersion: 1,
      month: "2026-10",
      replaces: expect.objectContaining({ runId: SCHEDULED_RUN, complete: true }),
      by: expect.objectContaining({ runId: "00000000-0000-4000-8000-000000000002", complete: true }),
      wallboxesCompared: true,
      wallboxes: [
        {
          wallboxId: boxes[0]!.wallboxId,
          label: "Garage",
          before: { status: "ok", sessions: 2, savingsEur: "3.68", energyFromSolarKwh: "3.000" },
          after: { status: "ok", sessions: 2, savingsEur: "4.01", energyFromSolarKwh: "3.000" },
        },
      ],
      movedWallboxes: 1,
    });
    // The merge runs again after all (say, its status write failed after the email's marker was
    // lost): the month names this run already, and the email still says what it replaced and
    // what moved, from the month's manifest and the restatement written before.
    const rerunId = "00000000-0000-4000-8000-000000000002";
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `work/${ORG_ID}/${rerunId}/finance-email-sent.json` }));
    const job = { runId: rerunId, month: "2026-10", trigger: "on-demand" as const, requestedAt: rerun.deps.now().toISOString() };
    await rerun.handlers.merge({ job });
    const again = await simpleParser(rerun.sentEmails[1]!);
    expect(again.subject).toBe(mail.subject);
    expect(again.text).toContain(`Wallboxes whose figures moved: 1; all of them, for systems, in ${restatementKey}:`);

    const failing = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[0]!.wallboxId ? { status: 404 } : undefined),
    });
    try {
      const incomplete = testApp(s3, failing, { finance, now: new Date("2026-11-05T05:00:00Z"), firstRun: 3 });
      expect(await fullRun(incomplete)).toMatchObject({ complete: false });
      expect(incomplete.sentEmails).toEqual([]);
    } finally {
      await failing.close();
    }
  });
});

describe("on-demand function (function URL)", () => {
  it("answers 202 at once, runs in the background, and reports the run's status with keys and totals", async () => {
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    const started = await handler(urlEvent("POST", { body: JSON.stringify({ month: "2026-09" }) }));
    expect(started.statusCode).toBe(202);
    const answer = body(started);
    expect(answer).toEqual({
      runId: "00000000-0000-4000-8000-000000000001",
      month: "2026-09",
      status: "running",
      statusUrl: "?runId=00000000-0000-4000-8000-000000000001",
      manifestKey: `reports/${ORG_ID}/2026-09/manifest.json`,
    });
    const running = await handler(urlEvent("GET", { query: { runId: String(answer.runId) } }));
    expect(body(running)).toMatchObject({ status: "running", runId: answer.runId });
    expect(body(running).startedAt).toBeUndefined(); // queued: the workflow has not begun it

    expect(app.queuedJobs).toHaveLength(1);
    await app.runQueued();
    const done = body(await handler(urlEvent("GET", { query: { runId: String(answer.runId) } })));
    expect(done).toMatchObject({
      status: "done",
      complete: true,
      month: "2026-09",
      placement: "month",
      requestedBy: "arn:aws:iam::123456789012:user/finance-ops",
      manifestKey: answer.manifestKey,
      keys: { manifest: `reports/${ORG_ID}/2026-09/runs/${answer.runId}/manifest.json` },
      totals: { wallboxes: 3 },
    });
    expect(manifestSchema.parse(await objectJson(String(answer.manifestKey))).runId).toBe(answer.runId);
  });

  it("refuses a run while the stage's most runs are running (429), and a request naming too many wallboxes (400)", async () => {
    const app = testApp(s3, simulator);
    let running = 3;
    app.deps.runningRuns = async (atMost) => Math.min(running, atMost);
    const handler = onDemand(app);
    const busy = await handler(urlEvent("POST", { body: "{}" }));
    expect(busy.statusCode).toBe(429);
    expect(busy.headers).toMatchObject({ "retry-after": "300" });
    expect(body(busy)).toMatchObject({ error: expect.stringMatching(/^3 runs are running already/) });
    running = 2;
    expect((await handler(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
    const ids = Array.from({ length: 2_001 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
    const tooMany = await handler(urlEvent("POST", { body: JSON.stringify({ wallboxIds: ids }) }));
    expect(tooMany.statusCode).toBe(400);
    expect(body(tooMany)).toMatchObject({
      error:
        "wallboxIds: list at most 2,000 wallbox ids (the run's job carries them through every Step Functions state, 256 KiB each), or leave wallboxIds out for all",
    });
  });

  it("refuses a second full run of a month while the first is running, and allows it afterwards", async () => {
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    const first = body(await handler(urlEvent("POST", { body: "{}" })));
    const second = await handler(urlEvent("POST", { body: JSON.stringify({ month: "2026-10" }) }));
    expect(second.statusCode).toBe(409);
    expect(body(second)).toMatchObject({ runId: first.runId, error: expect.stringMatching(/a run for 2026-10 is still running/) });
    const subset = await handler(urlEvent("POST", { body: JSON.stringify({ wallboxIds: [boxes[0]!.wallboxId] }) }));
    expect(subset.statusCode).toBe(202);
    await app.runQueued();
    expect((await handler(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
  });

  it("reports a subset of wallboxes under a folder of its own, never over the org's monthly report", async () => {
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    const started = body(await handler(urlEvent("POST", { body: JSON.stringify({ wallboxIds: [boxes[2]!.wallboxId] }), base64: true })));
    expect(started.manifestKey).toBe(`${MONTH_PREFIX}runs/${started.runId}/manifest.json`);
    await app.runQueued();
    const manifest = manifestSchema.parse(await objectJson(String(started.manifestKey)));
    expect(manifest).toMatchObject({ scope: "subset", totals: { wallboxes: 1 } });
    const report = monthlyReportSchema.parse(await objectJson(manifest.files.json.key));
    expect(report.wallboxes.map((wallbox) => wallbox.wallboxId)).toEqual([boxes[2]!.wallboxId]);
  });

  it("records a run still 'running' past its time limit as failed, once, tells operators, and frees the month", async () => {
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    const { runId } = body(await handler(urlEvent("POST", { body: "{}" })));
    // Its workflow never ran (say, the execution was lost); 17 minutes later (limit 15, plus a minute's margin)…
    const later = testApp(s3, simulator, { now: new Date("2026-11-01T05:17:00Z"), firstRun: 2 });
    const status = body(await onDemand(later)(urlEvent("GET", { query: { runId: String(runId) } })));
    expect(status).toMatchObject({ status: "failed", error: expect.stringMatching(/did not begin the run within 6 minutes|did not finish within/) });
    expect(runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${runId}.json`))).toMatchObject({ status: "failed" });
    expect(later.sentAlerts).toEqual([expect.objectContaining({ runId, what: "run STUCK, recorded as failed" })]);
    // Looked at again: already recorded, no second alert; and a new full run may start.
    await onDemand(later)(urlEvent("GET", { query: { runId: String(runId) } }));
    expect(later.sentAlerts).toHaveLength(1);
    expect((await onDemand(later)(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
  });

  it("answers a run that failed with its reason", async () => {
    const app = testApp(s3, simulator, { secret: "{}" });
    const handler = onDemand(app);
    const { runId } = body(await handler(urlEvent("POST", { body: "" })));
    await app.runQueued();
    const status = await handler(urlEvent("GET", { query: { runId: String(runId) } }));
    expect(status.statusCode).toBe(200);
    expect(body(status)).toMatchObject({ status: "failed", error: expect.stringMatching(/has neither "token" nor/) });
  });

  it.each([
    ["a body that is not JSON", "{month:", /the body is not JSON/, undefined],
    ["an unknown field", JSON.stringify({ months: "2026-10" }), /Unrecognized key: "months"/, undefined],
    ["a malformed month", JSON.stringify({ month: "2026-13" }), /month: month "2026-13" has no month 13/, "month"],
    ["a month not yet ended", JSON.stringify({ month: "2026-11" }), /month: month 2026-11 has not ended yet/, "month"],
    ["a bad wallbox id", JSON.stringify({ wallboxIds: [boxes[0]!.wallboxId, "garage"] }), /wallboxIds\[1\]: invalid uuid/, "wallboxIds[1]"],
    ["an empty wallbox list", JSON.stringify({ wallboxIds: [] }), /wallboxIds: list at least one wallbox id/, "wallboxIds"],
    [
      "a wallbox that is not configured",
      JSON.stringify({ wallboxIds: [wallboxRef("stranger").wallboxId] }),
      /not in the wallbox config/,
      "wallboxIds",
    ],
  ])("answers 400 naming the field for %s, and starts nothing", async (_name, requestBody, message, field) => {
    const app = testApp(s3, simulator);
    const answer = await onDemand(app)(urlEvent("POST", { body: requestBody }));
    expect(answer.statusCode).toBe(400);
    expect(String(body(answer).error)).toMatch(message);
    if (field) expect(body(answer).issues).toContainEqual(expect.objectContaining({ field }));
    expect(app.queuedJobs).toHaveLength(0);
    expect(await readObjectText(s3, `reports/${ORG_ID}/runs/00000000-0000-4000-8000-000000000001.json`)).toBeUndefined();
  });

  it("answers status requests for bad, unknown and wrong-method calls", async () => {
    const handler = onDemand(testApp(s3, simulator));
    const missing = await handler(urlEvent("GET"));
    expect(missing.statusCode).toBe(400);
    expect(body(missing).issues).toContainEqual(expect.objectContaining({ field: "runId" }));
    expect((await handler(urlEvent("GET", { query: { runId: "../../config/wallboxes" } }))).statusCode).toBe(400);
    const unknown = await handler(urlEvent("GET", { query: { runId: "00000000-0000-4000-8000-00000000abcd" } }));
    expect(unknown.statusCode).toBe(404);
    const wrong = await handler(urlEvent("DELETE"));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers).toMatchObject({ allow: "GET, POST" });
  });

  it("shows a running run's progress (shards done of all, then CSV parts written of all) and its execution's state, and a dead workflow as failed", async () => {
    const app = testApp(s3, simulator);
    app.deps.shardSize = 1;
    let execution = { status: "RUNNING" } as { status: string; error?: string };
    app.deps.describeRun = async () => execution;
    const handler = onDemand(app);
    const runId = String(body(await handler(urlEvent("POST", { body: "{}" }))).runId);
    const status = async () => body(await handler(urlEvent("GET", { query: { runId } })));
    expect(await status()).toMatchObject({ status: "running", execution: "RUNNING" });
    expect((await status()).progress).toBeUndefined(); // not planned yet

    const [job] = app.queuedJobs;
    const planned = await app.handlers.plan(job!);
    expect(await status()).toMatchObject({ status: "running", progress: { shards: 3, shardsDone: 0 } });
    const shard = app.handlers.shard;
    const results = [await shard({ job: job!, shard: planned.shards[1]! })];
    expect(await status()).toMatchObject({ status: "running", progress: { shards: 3, shardsDone: 1 } });
    results.push(await shard({ job: job!, shard: planned.shards[0]! }), await shard({ job: job!, shard: planned.shards[2]! }));
    app.deps.csvRowsPerPart = 50;
    const { parts } = await app.handlers.collect({ job: job!, shards: results });
    expect(await status()).toMatchObject({ progress: { shards: 3, shardsDone: 3, csvParts: parts.length, csvPartsDone: 0 } });
    await app.handlers.detail({ job: job!, part: parts[1]! });
    expect(await status()).toMatchObject({ progress: { shards: 3, shardsDone: 3, csvParts: parts.length, csvPartsDone: 1 } });

    // A second full run of the month waits while this one runs…
    expect((await handler(urlEvent("POST", { body: "{}" }))).statusCode).toBe(409);
    // …but once it was killed (say, stopped by an operator) before its merge recorded anything, it
    // reads as failed, not "running" forever, and no longer holds the month.
    execution = { status: "ABORTED" };
    expect(await status()).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^the run's workflow ended ABORTED before it recorded a result/),
    });
    expect((await handler(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
  });

  it("records the run as failed when its workflow cannot be started", async () => {
    const app = testApp(s3, simulator);
    app.deps.startRun = async () => {
      throw new Error("Rate exceeded");
    };
    const handler = onDemand(app);
    const answer = await handler(urlEvent("POST", { body: "{}" }));
    expect(answer.statusCode).toBe(500);
    expect(body(answer)).toMatchObject({ error: "could not start the run: Rate exceeded", runId: "00000000-0000-4000-8000-000000000001" });
    const status = await handler(urlEvent("GET", { query: { runId: "00000000-0000-4000-8000-000000000001" } }));
    expect(body(status)).toMatchObject({ status: "failed", error: "could not start the run: Rate exceeded" });
  });

  it("reports a run its workflow never began as failed once the queue's limit has passed", async () => {
    const app = testApp(s3, simulator);
    app.deps.startRun = async () => undefined; // the invocation is lost in the queue
    const handler = onDemand(app);
    const { runId } = body(await handler(urlEvent("POST", { body: "{}" })));
    expect(body(await handler(urlEvent("GET", { query: { runId: String(runId) } }))).status).toBe("running");
    app.deps.now = () => new Date("2026-11-01T05:07:00Z");
    expect(body(await handler(urlEvent("GET", { query: { runId: String(runId) } })))).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/the workflow did not begin the run within 6 minutes/),
    });
  });

  it("starts a full run without reading the config; a missing config fails its plan step, named in the status", async () => {
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: CONFIG_KEY }));
    const app = testApp(s3, simulator);
    const handler = onDemand(app);
    const answer = await handler(urlEvent("POST", { body: "{}" }));
    expect(answer.statusCode).toBe(202);
    await app.runQueued();
    const status = body(await handler(urlEvent("GET", { query: { runId: String(body(answer).runId) } })));
    expect(status).toMatchObject({ status: "failed" });
    expect(String(status.error)).toMatch(
      new RegExp(`^the wallbox config s3://${s3.bucket}/${CONFIG_KEY} \\(or .*\\.jsonl\\) does not exist: upload it`),
    );
  });
});

describe("workflow steps (as the state machine runs them)", () => {
  const job = {
    runId: "00000000-0000-4000-8000-0000000000aa",
    month: "2026-10",
    trigger: "schedule",
    requestedAt: "2026-11-01T05:00:00.000Z",
  } as const;

  it("plan, shards in any order, merge: the same report as one invocation; a repeated shard changes nothing", async () => {
    const app = testApp(s3, simulator);
    app.deps.shardSize = 1;
    const planned = await app.handlers.plan(job);
    expect(planned.shards.map((shard) => shard.count)).toEqual([1, 1, 1]);
    // The Map runs shards at once, in no order; a retried shard meets its stored result.
    const shard = app.handlers.shard;
    const results = await Promise.all([...planned.shards].reverse().map((descriptor) => shard({ job, shard: descriptor })));
    expect(await shard({ job, shard: planned.shards[0]! })).toEqual({ index: 0, status: "already done" });
    app.deps.csvRowsPerPart = 40;
    const { parts } = await app.handlers.collect({ job, shards: results });
    expect(parts.length).toBeGreaterThan(1);
    // The CSV parts, too, are written at once, in no order; a retried part meets its stored result.
    const detail = app.handlers.detail;
    expect(await Promise.all([...parts].reverse().map((part) => detail({ job, part })))).toEqual(
      [...parts].reverse().map((part) => ({ index: part.index, status: "done" })),
    );
    expect(await detail({ job, part: parts[0]! })).toEqual({ index: 0, status: "already done" });
    expect(await app.handlers.merge({ job })).toEqual({ runId: job.runId, status: "done", complete: true });
    const stepwise = (await objectBytes(await monthFile("json"))).toString();

    await s3.clear();
    await uploadConfig(s3, config);
    await scheduled(testApp(s3, simulator));
    const oneInvocation = (await objectBytes(await monthFile("json"))).toString();
    expect(stepwise.replace(/"generatedAt": "[^"]+"/, "")).toBe(oneInvocation.replace(/"generatedAt": "[^"]+"/, ""));
  });

  it("a shard that failed for good makes its wallboxes failed entries, with the workflow's reason", async () => {
    const app = testApp(s3, simulator);
    app.deps.shardSize = 1;
    const planned = await app.handlers.plan(job);
    const shard = app.handlers.shard;
    const results: ShardStepResult[] = [
      await shard({ job, shard: planned.shards[0]! }),
      { index: 1, status: "failed", error: "States.Timeout" },
      await shard({ job, shard: planned.shards[2]! }),
    ];
    expect(await app.afterShards(job, results)).toMatchObject({ status: "done", complete: false });
    const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
    expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "failed", "ok"]);
    expect(report.wallboxes[1]).toMatchObject({ wallboxId: boxes[1]!.wallboxId, error: "not read: shard 2 of 3 failed (States.Timeout)" });
  });

  it("leaves the run running when a step fails in a way the workflow retries, and the retry finishes it", async () => {
    const app = testApp(s3, simulator);
    const planned = await app.handlers.plan(job);
    const results = [await app.handlers.shard({ job, shard: planned.shards[0]! })];
    const { parts } = await app.handlers.collect({ job, shards: results });
    const statusNow = async () => runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${job.runId}.json`)).status;
    // The bucket fails for a moment: the Detail step and the Merge step throw, for the state machine to retry them.
    const outage = testApp(s3, simulator, { failCommand: "GetObjectCommand" });
    for (const step of [() => outage.handlers.detail({ job, part: parts[0]! }), () => outage.handlers.merge({ job })]) {
      await expect(step()).rejects.toMatchObject({ name: "S3ObjectError" });
      expect(await statusNow()).toBe("running");
    }
    await app.handlers.detail({ job, part: parts[0]! });
    expect(await app.handlers.merge({ job })).toMatchObject({ status: "done", complete: true });
    expect(await statusNow()).toBe("done");
  });

  it("runs through the state machine's own expressions: each step's output reaches the next step's input", async () => {
    // The definition's JSONata, evaluated with the jsonata version Step Functions uses, carries the
    // real handlers' outputs along the chain; one shard fails for good and goes through ShardFailed.
    // (No library here executes SST's JSONata definitions; see README, "The workflow".)
    const app = testApp(s3, simulator);
    app.deps.shardSize = 1;
    const { Plan, Shards, Collect, Details, Merge } = (await workflowDefinition()).States;
    const handlers: Record<string, (payload: unknown) => Promise<unknown>> = {
      [WORKFLOW_FUNCTIONS.plan]: app.handlers.plan,
      [WORKFLOW_FUNCTIONS.shard]: app.handlers.shard,
      [WORKFLOW_FUNCTIONS.collect]: app.handlers.collect,
      [WORKFLOW_FUNCTIONS.detail]: app.handlers.detail,
      [WORKFLOW_FUNCTIONS.merge]: app.handlers.merge,
    };
    const invoke = async (state: AslState, states: Record<string, unknown>, variables: Record<string, unknown> = {}) => {
      const payload = await evaluate(state.Arguments.Payload, { states, ...variables });
      return { Payload: await handlers[state.Arguments.FunctionName]!(JSON.parse(JSON.stringify(payload))) };
    };

    const planResult = await invoke(Plan!, { input: job });
    const variables = { job: await evaluate(Plan!.Assign.job, { states: { input: job, result: planResult } }) };
    const planOutput = await evaluate(Plan!.Output, { states: { input: job, result: planResult } });
    const items = (await evaluate(Shards!.Items, { states: { input: planOutput }, ...variables })) as unknown[];
    expect(items).toHaveLength(3);
    const { RememberShard, Shard, ShardFailed } = Shards!.ItemProcessor.States;
    const results: unknown[] = [];
    for (const [index, item] of items.entries()) {
      const selected = await evaluate(Shards!.ItemSelector, {
        states: { input: planOutput, context: { Map: { Item: { Index: index, Value: item } } } },
      });
      const shardVariables = { shard: await evaluate(RememberShard.Assign.shard, { states: { input: selected } }) };
      if (index === 1) {
        results.push(await evaluate(ShardFailed.Output, { states: { input: { Error: "Lambda.Unknown", Cause: "timed out" } }, ...shardVariables }));
        continue;
      }
      const result = await invoke(Shard, { input: selected }, shardVariables);
      results.push(await evaluate(Shard.Output, { states: { input: selected, result } }));
    }
    const collected = await invoke(Collect!, { input: results }, variables);
    const collectOutput = await evaluate(Collect!.Output, { states: { input: results, result: collected } });
    const parts = (await evaluate(Details!.Items, { states: { input: collectOutput }, ...variables })) as unknown[];
    expect(parts).toHaveLength(1);
    const { Detail } = Details!.ItemProcessor.States;
    const written: unknown[] = [];
    for (const [index, item] of parts.entries()) {
      const selected = await evaluate(Details!.ItemSelector, {
        states: { input: collectOutput, context: { Map: { Item: { Index: index, Value: item } } } },
        ...variables,
      });
      const result = await invoke(Detail, { input: selected });
      written.push(await evaluate(Detail.Output, { states: { input: selected, result } }));
    }
    expect(written).toEqual([{ index: 0, status: "done" }]);
    const merged = await invoke(Merge!, { input: written }, variables);
    expect(await evaluate(Merge!.Output, { states: { input: written, result: merged } })).toEqual({
      runId: job.runId,
      status: "done",
      complete: false,
    });
    const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
    expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "failed", "ok"]);
    expect(report.wallboxes[1]).toMatchObject({ error: "not read: shard 2 of 3 failed (Lambda.Unknown)" });
  });

  it("a fatal error in a shard (a refused token) fails the run: no report, the status says why", async () => {
    const app = testApp(s3, simulator, { secret: JSON.stringify({ token: "not-a-token-the-api-knows" }) });
    await expect(scheduled(app)).rejects.toThrow(/the Partner API refused the token in the secret \(HTTP 401\)/);
    const status = runStatusSchema.parse(await objectJson(`reports/${ORG_ID}/runs/${SCHEDULED_RUN}.json`));
    expect(status).toMatchObject({ status: "failed", error: expect.stringMatching(/refused the token in the secret/) });
    expect(await readObjectText(s3, `${MONTH_PREFIX}manifest.json`)).toBeUndefined();
    expect(app.sentAlerts).toEqual([
      { month: "2026-10", runId: SCHEDULED_RUN, what: "run FAILED", reason: status.status === "failed" ? status.error : "" },
    ]);
  });

  it("refuses a malformed step input, naming the field", async () => {
    const app = testApp(s3, simulator);
    await expect(app.handlers.shard({ job, shard: { index: 0 } })).rejects.toThrow(/invalid shard step input: shard\.first/);
  });
});

describe("logs", () => {
  it("are JSON lines with the run id, each wallbox's outcome and duration, and the totals, and never a secret", async () => {
    const app = testApp(s3, simulator);
    const event = urlEvent("POST", { body: "{}" });
    await onDemand(app)(event);
    await app.runQueued();
    simulator.revokeTokens();
    await scheduled(app);

    const text = logs.join("");
    const records = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Log lines, and the runs' metrics as CloudWatch embedded-metric-format lines.
    const metricLines = records.filter((record) => "_aws" in record);
    expect(metricLines).toHaveLength(2);
    expect(metricLines[0]).toMatchObject({
      service: "hems-reports",
      SessionsRead: expect.any(Number),
      WallboxesFailed: 0,
      ReportComplete: 1,
      RunDuration: expect.any(Number),
      _aws: { CloudWatchMetrics: [{ Namespace: "HemsReports" }] },
    });
    expect(
      records.filter((record) => !("_aws" in record)).every((record) => record.service === "hems-reports" && typeof record.level === "string"),
    ).toBe(true);
    const wallboxLines = records.filter((record) => record.message === "wallbox read");
    expect(wallboxLines).toHaveLength(6);
    expect(wallboxLines[0]).toMatchObject({
      runId: "00000000-0000-4000-8000-000000000001",
      month: "2026-10",
      status: "ok",
      durationMs: expect.any(Number),
    });
    // Both runs read the month at the same moment: the first to publish stays the month's report.
    expect(records.filter((record) => record.message === "run done")).toHaveLength(1);
    expect(records.filter((record) => record.message === "run done, kept beside the month's report, which stays in place")).toHaveLength(1);
    expect(records.find((record) => record.message === "run done")).toMatchObject({
      complete: true,
      wallboxes: 3,
      sessions: expect.any(Number),
      savingsEur: expect.any(String),
    });

    const token = await app.deps.tokens.token();
    for (const secret of [token, event.headers.authorization!, event.headers["x-amz-security-token"]!]) expect(text).not.toContain(secret);
  });
});
