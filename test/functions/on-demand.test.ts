import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { readObjectText } from "@hems-reports/core/adapters/aws/s3";
import { manifestSchema, monthlyReportSchema } from "@hems-reports/core/domain/report";
import { runStatusSchema } from "@hems-reports/core/domain/run";
import { describe, expect, it } from "vitest";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { CONFIG_KEY, testApp, urlEvent } from "../support/aws.ts";
import { body, boxes, MONTH_PREFIX, objectJson, onDemand, s3, shardsOf, simulator, useFunctionsFixture } from "../support/functions.ts";

useFunctionsFixture();

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
    // A selection is not the org: its report says that its coverage was not checked, and lists no user as missing.
    expect(report.coverage).toMatchObject({ notCheckedBecause: "a run of 1 selected wallboxes: runs of the whole config check it", gaps: 0 });
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
    const results = [await shard({ job: job!, shard: shardsOf(planned)[1]! })];
    expect(await status()).toMatchObject({ status: "running", progress: { shards: 3, shardsDone: 1 } });
    results.push(await shard({ job: job!, shard: shardsOf(planned)[0]! }), await shard({ job: job!, shard: shardsOf(planned)[2]! }));
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
