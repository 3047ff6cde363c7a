import { randomUUID } from "node:crypto";
import { collectStepOutputSchema, planStepOutputSchema, splitStepOutputSchema } from "@hems-reports/core/cloud";
import {
  EXECUTION_HISTORY_EVENTS,
  MAX_CSV_PARTS,
  MAX_REQUESTED_WALLBOXES,
  MAX_SHARDS,
  MIN_CSV_ROWS_PER_PART,
  MIN_SHARD_SIZE,
  maxShardSize,
  partsLimitProblem,
  planLimitProblem,
  runJobSchema,
  runRequestSchema,
  STATE_PAYLOAD_LIMIT_BYTES,
  stageLimitProblems,
} from "@hems-reports/core/domain/run";
import { detailParts, discoveryBatchSchema, shardDescriptorSchema, workKeys } from "@hems-reports/core/domain/shards";
import { sessionCsvFileNames } from "@hems-reports/core/formats/csv";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { testApp, uploadConfig } from "../support/aws.ts";
import { type LocalS3, startLocalS3 } from "../support/s3.ts";
import { STATE_PAYLOAD_LIMIT_BYTES as ENGINE_LIMIT, runStateMachine } from "../support/state-machine.ts";
import { WORKFLOW_FUNCTIONS, workflowDefinition } from "../support/workflow.ts";

/**
 * The largest inputs the code and the settings accept, run through the workflow's own definition
 * with functions that answer the largest outputs their schemas allow at those limits: every
 * state's input and output must fit Step Functions' 256 KiB, and the execution's history its
 * 25,000 events. What lies beyond the limits is refused with a message that names them.
 */
const uuid = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
/** The longest caller the job may name, and the longest error name a failed shard carries. */
const LONGEST_CALLER = `arn:aws:sts::123456789012:assumed-role/${"r".repeat(2048 - 50)}/finance-ops`.slice(0, 2048);
const LONGEST_ERROR = "Lambda.ClientExecutionTimeoutException";

function largestJob(wallboxIds?: string[]) {
  return runJobSchema.parse({
    runId: randomUUID(),
    month: "2026-10",
    ...(wallboxIds ? { wallboxIds } : {}),
    trigger: "on-demand",
    requestedAt: "2026-11-01T05:00:00.000Z",
    requestedBy: LONGEST_CALLER,
    timeZone: "x".repeat(64),
  });
}

/**
 * A million-wallbox org's plan at the smallest shard size the settings allow: MAX_SHARDS
 * descriptors, as the Split writes them, and as many batches of users (a user at least one
 * wallbox) as the plan step writes when it discovers them.
 */
function largestPlan(job: ReturnType<typeof largestJob>, wallboxes: number) {
  const shards = Math.ceil(wallboxes / MIN_SHARD_SIZE);
  const attempt = randomUUID();
  const ranges = Array.from({ length: shards }, (_, index) => ({
    index,
    first: index * MIN_SHARD_SIZE,
    count: Math.min(MIN_SHARD_SIZE, wallboxes - index * MIN_SHARD_SIZE),
  }));
  return {
    planned: planStepOutputSchema.parse({
      job,
      batches: ranges.map((range) => discoveryBatchSchema.parse({ ...range, usersKey: workKeys.discoveryUsers(attempt, range.index) })),
    }),
    split: splitStepOutputSchema.parse({
      job,
      shards: ranges.map((range) => shardDescriptorSchema.parse({ ...range, wallboxesKey: workKeys.shardWallboxes(attempt, range.index) })),
    }),
  };
}

/** Runs the definition with functions that answer the largest outputs; the largest payload of each state, and the history's events. */
async function largestRun(job: ReturnType<typeof largestJob>, wallboxes: number, sessions: number) {
  const largest = new Map<string, number>();
  const events = { count: 0 };
  const { planned, split: plan } = largestPlan(job, wallboxes);
  const perShard = Math.ceil(sessions / plan.shards.length);
  const shardSessions = plan.shards.map(() => perShard);
  const total = perShard * plan.shards.length;
  const functions = {
    // The Plan answers the most batches, the Split the most shards.
    [WORKFLOW_FUNCTIONS.plan]: async (payload: unknown) => ((payload as { batches?: unknown }).batches ? plan : planned),
    // Every batch and every shard fails for good, with the longest error name: the largest result a Map aggregates.
    [WORKFLOW_FUNCTIONS.shard]: async () => {
      throw Object.assign(new Error("timed out"), { name: LONGEST_ERROR });
    },
    [WORKFLOW_FUNCTIONS.collect]: async () =>
      collectStepOutputSchema.parse({
        parts: detailParts(shardSessions, MIN_CSV_ROWS_PER_PART, sessionCsvFileNames("2026-10", total, MIN_CSV_ROWS_PER_PART)),
      }),
    [WORKFLOW_FUNCTIONS.detail]: async (payload: unknown) => ({ index: (payload as { part: { index: number } }).part.index, status: "already done" }),
    [WORKFLOW_FUNCTIONS.merge]: async () => ({ runId: job.runId, status: "done", complete: false }),
  };
  await runStateMachine(await workflowDefinition(), job, {
    functions,
    events,
    onPayload: (state, _kind, bytes) => largest.set(state, Math.max(bytes, largest.get(state) ?? 0)),
  });
  return { largest, events: events.count, shards: plan.shards.length };
}

describe("the workflow's limits", () => {
  it("holds the engine to AWS's own limit", () => {
    expect(ENGINE_LIMIT).toBe(STATE_PAYLOAD_LIMIT_BYTES);
    expect(STATE_PAYLOAD_LIMIT_BYTES).toBe(262_144);
  });

  it("fits every state of a million-wallbox run at the smallest shard and CSV part sizes the settings allow", async () => {
    const run = await largestRun(largestJob(), 1_000_000, 92_000_000);
    expect(run.shards).toBe(MAX_SHARDS);
    if (process.env.HEMS_SHOW_LIMITS) console.error(JSON.stringify({ ...Object.fromEntries(run.largest), events: run.events }));
    for (const [state, bytes] of run.largest) expect(bytes, `${state}: ${bytes} bytes`).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES);
    // The Map's input (the plan) and its aggregated results are the largest; each leaves room.
    expect(Math.max(...run.largest.values())).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES * 0.75);
    // The inline Map of MAX_CSV_PARTS parts stays inside the execution's history.
    expect(run.events).toBeLessThan(EXECUTION_HISTORY_EVENTS);
  }, 60_000);

  it("fits every state of a subset run naming the most wallbox ids a request may", async () => {
    const ids = Array.from({ length: MAX_REQUESTED_WALLBOXES }, (_, index) => uuid(index));
    const job = largestJob(ids);
    expect(runRequestSchema.safeParse({ wallboxIds: ids }).success).toBe(true);
    const run = await largestRun(job, MAX_REQUESTED_WALLBOXES, MAX_REQUESTED_WALLBOXES * 200);
    if (process.env.HEMS_SHOW_LIMITS) console.error(JSON.stringify({ ...Object.fromEntries(run.largest), events: run.events }));
    for (const [state, bytes] of run.largest) expect(bytes, `${state}: ${bytes} bytes`).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES);
    // One more is refused: the request names the limit (400 on demand; see test/functions/on-demand.test.ts).
    const tooMany = runRequestSchema.safeParse({ wallboxIds: [...ids, uuid(MAX_REQUESTED_WALLBOXES)] });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]?.message).toMatch(
      /at most 2,000 wallbox ids \(the run's job carries them through every Step Functions state, 256 KiB each\)/,
    );
  });

  it("fails with States.DataLimitExceeded, which no catch takes, where a state would not fit: the engine is as strict as AWS", async () => {
    // A small job; Collect answers more than fits (the Map's results and the plan fit): the run fails there.
    const definition = await workflowDefinition();
    const job = largestJob();
    const huge = {
      parts: Array.from({ length: 3_000 }, (_, index) => ({ index, name: `${"x".repeat(80)}-${index}.csv`, shard: 0, skip: 0, rows: 1 })),
    };
    await expect(
      runStateMachine(definition, job, {
        functions: {
          [WORKFLOW_FUNCTIONS.plan]: async (payload) => {
            const { planned, split } = largestPlan(job, 2_000);
            return (payload as { batches?: unknown }).batches ? split : planned;
          },
          [WORKFLOW_FUNCTIONS.shard]: async (payload) => {
            const { shard, batch } = payload as { shard?: { index: number }; batch?: { index: number } };
            return { index: (shard ?? batch)!.index, status: "done" };
          },
          [WORKFLOW_FUNCTIONS.collect]: async () => huge,
        },
      }),
    ).rejects.toMatchObject({ error: "States.DataLimitExceeded", errorCause: expect.stringMatching(/^the output of state Collect is \d+ bytes/) });
    // StartExecution refuses a job over the limit before any state (the stand-in of test/support/aws.ts does too).
    expect(Buffer.byteLength(JSON.stringify(largestJob(Array.from({ length: 7_000 }, (_, index) => uuid(index)))))).toBeGreaterThan(
      STATE_PAYLOAD_LIMIT_BYTES,
    );
  });

  it("refuses stage settings that do not fit Lambda's 15 minutes or the payload limits, naming the limit", () => {
    expect(stageLimitProblems({ shardSize: 2_000, concurrency: 8, csvRowsPerPart: 1_000_000 })).toEqual([]);
    expect(maxShardSize(8)).toBe(15_384);
    const [slow] = stageLimitProblems({ shardSize: 100_000, concurrency: 8, csvRowsPerPart: 1_000_000 });
    expect(slow).toMatch(
      /^HEMS_SHARD_SIZE 100,000 is more than 15,384, the most one shard reads in 10 of Lambda's 15 minutes at HEMS_SHARD_CONCURRENCY 8/,
    );
    expect(stageLimitProblems({ shardSize: 999, concurrency: 8, csvRowsPerPart: 1_000_000 })).toEqual([
      "HEMS_SHARD_SIZE 999 is less than 1,000: a 1,000,000-wallbox org would need more than 1,000 shards, whose descriptors do not fit Step Functions' 256 KiB state payload",
    ]);
    expect(stageLimitProblems({ shardSize: 2_000, concurrency: 8, csvRowsPerPart: 1_000 })[0]).toMatch(
      /^HEMS_CSV_ROWS_PER_PART 1,000 is less than 92,000: a month of 92,000,000 sessions would need more than the 1,000 CSV parts/,
    );
    // Beyond the settings: an org too large for its shard size, a month too large for its parts.
    expect(planLimitProblem(1_000_000, 1_000)).toBeUndefined();
    expect(planLimitProblem(2_500_000, 2_000)).toBe(
      "2,500,000 wallboxes in shards of 2,000 are 1,250 shards, more than the 1,000 whose descriptors fit Step Functions' 256 KiB state payload: set HEMS_SHARD_SIZE to at least 2,500",
    );
    expect(partsLimitProblem(92_000_000, MIN_CSV_ROWS_PER_PART)).toBeUndefined();
    expect(partsLimitProblem(120_000_000, 100_000)).toMatch(/^120,000,000 sessions in CSV parts of 100,000 are 1,200 parts, more than the 1,000/);
    expect(MAX_CSV_PARTS).toBe(1_000);
  });
});

describe("a run beyond the limits", () => {
  let s3: LocalS3;
  let simulator: Simulator;
  beforeAll(async () => {
    // The functions' log lines (the plan's refusal is an ERROR line, on stderr).
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    s3 = await startLocalS3();
    simulator = await startSimulator({ seed: "limits" });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await simulator.close();
    await s3.close();
  });

  it("is refused by its plan, before any shard reads, with the limit and the setting that would fit it", async () => {
    // 1,001 wallboxes in shards of 1: one shard more than fits (shard sizes below the settings' minimum reach the functions only in tests).
    await uploadConfig(s3, { orgId: ORG_ID, wallboxes: Array.from({ length: MAX_SHARDS + 1 }, (_, index) => wallboxRef(`limit-${index}`)) });
    const app = testApp(s3, simulator, { shardSize: 1 });
    await app.handlers.scheduled({ kind: "monthly", scheduledTime: app.deps.now().toISOString() });
    const [outcome] = await app.runQueued();
    expect(outcome).toMatchObject({ status: "rejected" });
    const message = (outcome as PromiseRejectedResult).reason.message as string;
    expect(message).toMatch(
      /^RunLimitError: cannot plan run [0-9a-f-]{36}: 1,001 wallboxes in shards of 1 are 1,001 shards, more than the 1,000 .* set HEMS_SHARD_SIZE to at least 2$/,
    );
    expect(simulator.requestsFor(wallboxRef("limit-0").wallboxId)).toBe(0);
  });
});
