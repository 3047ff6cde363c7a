import { GetObjectCommand } from "@aws-sdk/client-s3";
import { derivedRunId } from "@hems-reports/core/cloud";
import { manifestSchema } from "@hems-reports/core/domain/report";
import type { ShardDescriptor } from "@hems-reports/core/domain/shards";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { ORG_ID, sessionItem, sessionItems, wallboxRef } from "./api.ts";
import { type TestApp, uploadConfig, urlEvent } from "./aws.ts";
import { awsCalls, deniedCalls } from "./iam.ts";
import { type LocalS3, startLocalS3 } from "./s3.ts";

/**
 * The fixture of the functions' end-to-end tests (test/functions/): a local S3 emptied before each
 * test, a fresh simulator with three wallboxes, the functions' log lines captured, and after each
 * test the checks that hold for every one: no secret in a log line, no AWS call a role would refuse.
 * `s3`, `simulator` and `logs` are live bindings, set anew by the hooks.
 */
export const boxes = [wallboxRef("aws-1", "Garage"), wallboxRef("aws-2", "Carport"), wallboxRef("aws-3")];
export const config = { orgId: ORG_ID, wallboxes: boxes };
export const MONTH_PREFIX = `reports/${ORG_ID}/2026-10/`;

export let s3: LocalS3;
export let simulator: Simulator;
/** What the functions logged during the current test (stdout and stderr, as Lambda would ship them). */
export let logs: string[] = [];
const forbiddenInLogs = () => [simulator.credentials.clientSecret, "Basic ", "Bearer ", "sim_", "Signature=", "x-amz-security-token"];

/** Registers the fixture's hooks in the calling test file. */
export function useFunctionsFixture(): void {
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
}

export async function objectBytes(key: string): Promise<Buffer> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}
export const objectJson = async (key: string): Promise<unknown> => JSON.parse((await objectBytes(key)).toString("utf8"));
/** The key of the report file that the month's manifest names (each run's files are under its own prefix). */
export const monthFile = async (kind: "json" | "xlsx") => manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`)).files[kind].key;

/** The monthly schedule's trigger (its event as the scheduler fills it in), then the workflow it started, run in process; the workflow's result, or its error. */
export async function scheduled(app: TestApp) {
  const event = { kind: "monthly", scheduledTime: app.deps.now().toISOString() };
  expect(await app.handlers.scheduled(event)).toMatchObject({ status: "started" });
  return runStarted(app);
}
/** A full run started on demand (a new run id each time), then its workflow, run in process. */
export async function fullRun(app: TestApp) {
  expect((await app.handlers.onDemand(urlEvent("POST", { body: "{}" }))).statusCode).toBe(202);
  return runStarted(app);
}
export async function runStarted(app: TestApp) {
  const [outcome] = await app.runQueued();
  if (outcome!.status === "rejected") throw outcome!.reason;
  return outcome!.value;
}
/** The monthly schedule's run of October 2026: its id is made from the org and the month. */
export const SCHEDULED_RUN = derivedRunId(ORG_ID, "2026-10", "monthly");
export const onDemand = (app: TestApp) => app.handlers.onDemand;
export const body = (result: { body?: string }) => JSON.parse(result.body ?? "null") as Record<string, unknown>;

/** The shards of a plan step's answer for a config (made at once); a stage that discovers its wallboxes has them only after the Split. */
export function shardsOf(planned: { shards?: ShardDescriptor[] }): ShardDescriptor[] {
  if (!planned.shards) throw new Error("the plan step answered batches to discover, not shards");
  return planned.shards;
}
