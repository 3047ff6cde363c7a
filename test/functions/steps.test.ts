import { readObjectText } from "@hems-reports/core/adapters/aws/s3";
import type { ShardStepResult } from "@hems-reports/core/cloud";
import { monthlyReportSchema } from "@hems-reports/core/domain/report";
import { runStatusSchema } from "@hems-reports/core/domain/run";
import { describe, expect, it } from "vitest";
import { ORG_ID } from "../support/api.ts";
import { testApp, uploadConfig } from "../support/aws.ts";
import {
  boxes,
  config,
  MONTH_PREFIX,
  monthFile,
  objectBytes,
  objectJson,
  SCHEDULED_RUN,
  s3,
  scheduled,
  shardsOf,
  simulator,
  useFunctionsFixture,
} from "../support/functions.ts";
import { type AslState, evaluate, WORKFLOW_FUNCTIONS, workflowDefinition } from "../support/workflow.ts";

useFunctionsFixture();

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
    expect(shardsOf(planned).map((shard) => shard.count)).toEqual([1, 1, 1]);
    // The Map runs shards at once, in no order; a retried shard meets its stored result.
    const shard = app.handlers.shard;
    const results = await Promise.all([...shardsOf(planned)].reverse().map((descriptor) => shard({ job, shard: descriptor })));
    expect(await shard({ job, shard: shardsOf(planned)[0]! })).toEqual({ index: 0, status: "already done" });
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
      await shard({ job, shard: shardsOf(planned)[0]! }),
      { index: 1, status: "failed", error: "States.Timeout" },
      await shard({ job, shard: shardsOf(planned)[2]! }),
    ];
    expect(await app.afterShards(job, results)).toMatchObject({ status: "done", complete: false });
    const report = monthlyReportSchema.parse(await objectJson(await monthFile("json")));
    expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "failed", "ok"]);
    expect(report.wallboxes[1]).toMatchObject({ wallboxId: boxes[1]!.wallboxId, error: "not read: shard 2 of 3 failed (States.Timeout)" });
  });

  it("leaves the run running when a step fails in a way the workflow retries, and the retry finishes it", async () => {
    const app = testApp(s3, simulator);
    const planned = await app.handlers.plan(job);
    const results = [await app.handlers.shard({ job, shard: shardsOf(planned)[0]! })];
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
    // (No library here executes SST's JSONata definitions; see docs/operations.md, "Checked against AWS's rules".)
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
