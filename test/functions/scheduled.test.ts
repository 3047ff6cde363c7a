import { createHash } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { putObject } from "@hems-reports/core/adapters/aws/s3";
import { manifestSchema, monthlyReportSchema } from "@hems-reports/core/domain/report";
import { runStatusSchema } from "@hems-reports/core/domain/run";
import { startSimulator } from "@hems-reports/simulator";
import type { Context } from "aws-lambda";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { SHARD_WRITE_RESERVE_MS } from "../../packages/functions/src/handlers/shard.ts";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { CONFIG_KEY, testApp, uploadConfig, urlEvent } from "../support/aws.ts";
import {
  body,
  boxes,
  config,
  fullRun,
  MONTH_PREFIX,
  monthFile,
  objectBytes,
  objectJson,
  onDemand,
  runStarted,
  SCHEDULED_RUN,
  s3,
  scheduled,
  shardsOf,
  simulator,
  useFunctionsFixture,
} from "../support/functions.ts";
import { functionsClient } from "../support/s3.ts";

useFunctionsFixture();

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
    // The Summary's headline stands beside September's figures, found through its manifest.
    const summary = workbook.getWorksheet("Summary")!;
    expect(summary.getCell("C5").value).toBe("September 2026");
    expect(summary.getCell("A8").value).toBe("Sessions");
    expect(summary.getCell("C8").value).toBe(september.totals.sessions);
    expect(summary.getCell("C9").value).toBe(september.totals.wallboxes - september.totals.failedWallboxes);
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
      const result = await app.handlers.shard({ job, shard: shardsOf(planned)[0]! }, context);
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

  it("fails the run at its plan when the Partner API cannot be reached, after the plan's retries: no report, no email", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const unreachable = { url, tokenUrl: `${url}/oauth2/token/`, credentials: simulator.credentials } as typeof simulator;
      const app = testApp(s3, unreachable, { secret: JSON.stringify({ token: "static-token" }), finance: { recipients: ["finance@acme.example"] } });
      const error = (await scheduled(app).catch((caught: unknown) => caught)) as Error;
      expect(error.message).toMatch(
        new RegExp(`^ApiUnreachableError: the Partner API at ${url} could not be reached: GET ${url}/api/partners/v2.0/org/${ORG_ID}: network error`),
      );
      // An outage may be brief: the workflow tried the plan again (3 times, over about a minute) before the run failed.
      expect(app.workflowRetries.filter((retry) => retry.state === "Plan" && retry.error === "ApiUnreachableError")).toHaveLength(3);
      // The execution FAILED (operators: the ExecutionsFailed alarm); the run's status says so.
      const status = await app.handlers.onDemand(urlEvent("GET", { query: { runId: SCHEDULED_RUN } }));
      expect(JSON.parse(status.body ?? "{}")).toMatchObject({ status: "failed", error: expect.stringContaining("workflow ended FAILED") });
      expect(app.sentEmails).toEqual([]);
      await expect(monthFile("json")).rejects.toThrow();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
