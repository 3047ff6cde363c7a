import { createHash } from "node:crypto";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { readObjectText, s3RunRecords } from "@hems-reports/core/adapters/aws/s3";
import { publishToMonth } from "@hems-reports/core/cloud";
import { type Manifest, manifestSchema } from "@hems-reports/core/domain/report";
import { runStatusSchema } from "@hems-reports/core/domain/run";
import type { RunRecords } from "@hems-reports/core/ports";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { CONFIG_KEY, testApp, uploadConfig } from "../support/aws.ts";
import { functionsClient, type LocalS3, startLocalS3 } from "../support/s3.ts";

// S3 conditional writes are enforced by the test client (test/support/s3.ts), as S3 enforces
// them; s3rver itself ignores them.
const MONTH = "2026-10";
const MONTH_MANIFEST = `reports/${ORG_ID}/${MONTH}/manifest.json`;
const boxes = [wallboxRef("pub-1"), wallboxRef("pub-2"), wallboxRef("pub-3")];

let s3: LocalS3;
let complete: Simulator;
let incomplete: Simulator;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());
beforeEach(async () => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  await s3.clear();
  await uploadConfig(s3, { orgId: ORG_ID, wallboxes: boxes });
  complete = await startSimulator({ seed: "publishing" });
  incomplete = await startSimulator({
    seed: "publishing",
    onSessionsRequest: (request) => (request.wallboxId === boxes[1]!.wallboxId ? { status: 404 } : undefined),
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await complete.close();
  await incomplete.close();
});

async function objectBytes(key: string): Promise<Buffer> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

/** The month's manifest, and a check that every file it names is there, whole, as it says. */
async function monthManifest(): Promise<Manifest | undefined> {
  const text = await readObjectText(s3, MONTH_MANIFEST);
  if (text === undefined) return undefined;
  const manifest = manifestSchema.parse(JSON.parse(text));
  for (const file of [manifest.files.xlsx, manifest.files.json, ...manifest.files.csv]) {
    const bytes = await objectBytes(file.key);
    expect(bytes.length, file.key).toBe(file.bytes);
    expect(createHash("sha256").update(bytes).digest("hex"), file.key).toBe(file.sha256);
    expect(file.key.startsWith(`reports/${ORG_ID}/${MONTH}/runs/${manifest.runId}/`)).toBe(true);
  }
  const report = JSON.parse((await objectBytes(manifest.files.json.key)).toString());
  expect(report.complete).toBe(manifest.complete);
  return manifest;
}

const records = (client = functionsClient(s3)): RunRecords => s3RunRecords({ client, bucket: s3.bucket }, { orgId: ORG_ID, configKey: CONFIG_KEY });

describe("publishing a month exactly once", () => {
  it("decides again when another run replaced the month's manifest between its look and its write", async () => {
    const manifest = (runId: string, isComplete: boolean, generatedAt: string) =>
      manifestSchema.parse({
        schemaVersion: 1,
        runId,
        orgId: ORG_ID,
        month: MONTH,
        scope: "all",
        generatedAt,
        complete: isComplete,
        totals: { wallboxes: 3, failedWallboxes: isComplete ? 0 : 1, sessions: 1, savingsEur: "1.00", energyFromSolarKwh: "1.000" },
        files: {
          xlsx: { name: "x", key: "x", contentType: "x", bytes: 1, sha256: "0".repeat(64) },
          json: { name: "j", key: "j", contentType: "j", bytes: 1, sha256: "0".repeat(64) },
          csv: [],
        },
      });
    // Both runs look at the month before either writes: without a conditional write the later
    // writer would win, whatever it is.
    for (const order of [
      ["complete", "incomplete"],
      ["incomplete", "complete"],
    ] as const) {
      await s3.clear();
      let looked = 0;
      let bothLooked!: () => void;
      const barrier = new Promise<void>((resolve) => {
        bothLooked = resolve;
      });
      const slowLook = (inner: RunRecords): RunRecords => ({
        ...inner,
        async readMonthManifest(month) {
          const current = await inner.readMonthManifest(month);
          if (++looked === 2) bothLooked();
          if (looked <= 2) await barrier;
          return current;
        },
      });
      const candidates = {
        // The complete run read the API first; the incomplete one later.
        complete: manifest("00000000-0000-4000-8000-00000000000c", true, "2026-11-01T05:00:00.000Z"),
        incomplete: manifest("00000000-0000-4000-8000-00000000000d", false, "2026-11-01T06:00:00.000Z"),
      };
      const [first, second] = order.map((kind) => publishToMonth(slowLook(records()), candidates[kind]));
      const outcomes = { [order[0]]: await first, [order[1]]: await second };
      expect(outcomes.complete).toMatchObject({ placement: "month" });
      // Which of the two writes first after both looked is the scheduler's choice, not the start
      // order's: the complete one first sets the incomplete one aside; the incomplete one first is
      // the month's for a moment, until the complete one, refused (412), decides again and replaces it.
      if (outcomes.incomplete!.placement === "set-aside") expect(outcomes.complete).not.toHaveProperty("replaced");
      else expect(outcomes.complete).toMatchObject({ replaced: { runId: candidates.incomplete.runId } });
      expect(manifestSchema.parse(JSON.parse((await readObjectText(s3, MONTH_MANIFEST))!)).runId).toBe(candidates.complete.runId);
    }
  });

  it("names one run's complete, matching files after many overlapping runs: complete, incomplete, repeated deliveries, failures midway", async () => {
    // Each run reads the API at its own moment (generatedAt): the month's report must end up the
    // complete run read last, whatever order the runs finish in.
    const runs = Array.from({ length: 10 }, (_, index) => {
      const kind = index % 3 === 0 ? "incomplete" : index % 4 === 1 ? "fails midway" : "complete";
      const minute = String((index * 7) % 10).padStart(2, "0");
      return { kind, firstRun: 100 + index * 10, now: new Date(`2026-11-01T05:${minute}:00Z`) };
    });
    const apps = runs.map((run) => {
      const app = testApp(s3, run.kind === "incomplete" ? incomplete : complete, { now: run.now, firstRun: run.firstRun });
      if (run.kind === "fails midway") app.deps.s3 = functionsClient(s3, { failPuts: /hems-savings-2026-10\.json$/, iam: { orgId: ORG_ID } });
      return app;
    });
    // Each run's workflow is started directly: the month's lease would let the triggers start
    // only one of them at a time, and this proves the month's manifest even when runs do overlap
    // (a lease taken over from a run that seemed dead, a workflow redriven by an operator).
    for (const app of apps) {
      app.queuedJobs.push({ runId: app.deps.newRunId(), month: MONTH, trigger: "on-demand", requestedAt: app.deps.now().toISOString() });
    }
    // The scheduler delivers some events twice: the same run's workflow runs twice, at once.
    apps[2]!.queuedJobs.push({ ...apps[2]!.queuedJobs[0]! });
    apps[5]!.queuedJobs.push({ ...apps[5]!.queuedJobs[0]! });
    const settled = await Promise.all(apps.map((app) => app.runQueued()));

    const manifest = await monthManifest();
    expect(manifest).toBeDefined();
    expect(manifest!.complete).toBe(true);
    const latest = runs.filter((run) => run.kind === "complete").reduce((a, b) => (b.now > a.now ? b : a));
    const latestRunId = `00000000-0000-4000-8000-${String(latest.firstRun).padStart(12, "0")}`;
    expect(manifest!.runId).toBe(latestRunId);

    // Every run that finished says where its report went; runs that failed midway said so and published nothing.
    for (const [index, run] of runs.entries()) {
      const runId = `00000000-0000-4000-8000-${String(run.firstRun).padStart(12, "0")}`;
      const status = runStatusSchema.parse(JSON.parse((await readObjectText(s3, `reports/${ORG_ID}/runs/${runId}.json`))!));
      if (run.kind === "fails midway") {
        expect(settled[index]!.every((outcome) => outcome.status === "rejected")).toBe(true);
        expect(status.status).not.toBe("done");
        continue;
      }
      expect(settled[index]!.map((outcome) => (outcome.status === "rejected" ? String(outcome.reason) : "ok"))).toEqual(
        settled[index]!.map(() => "ok"),
      );
      expect(status).toMatchObject({ status: "done", complete: run.kind === "complete" });
      if (runId === latestRunId) expect(status).toMatchObject({ placement: "month" });
    }
  });
});
