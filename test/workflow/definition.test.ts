import { FATAL_STEP_ERRORS } from "@hems-reports/core/cloud";
import validateAsl from "asl-validator";
import { describe, expect, it } from "vitest";
import { evaluate, WORKFLOW_FUNCTIONS as FUNCTIONS, workflowDefinition } from "../support/workflow.ts";

describe("the report workflow's definition", () => {
  it("is valid Amazon States Language (asl-validator)", async () => {
    const result = validateAsl(await workflowDefinition());
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    // The validator does catch mistakes: a catch that leads nowhere, a broken expression.
    const broken = await workflowDefinition();
    broken.States.Shards!.ItemProcessor.States.Shard.Catch[0].Next = "NoSuchState";
    broken.States.Merge!.Output = "{% $states.result.Payload ( %}";
    expect(validateAsl(broken).isValid).toBe(false);
  });

  it("plans, maps the shards in distributed mode within the API budget, retries a shard, turns its last failure into a result, collects, writes the CSV parts at once, merges", async () => {
    const definition = await workflowDefinition(7);
    expect(definition.StartAt).toBe("Plan");
    const { Plan, DiscoverBatches, Split, Shards, Collect, Details, Merge, Done } = definition.States;
    expect(Plan).toMatchObject({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "DiscoverBatches" });
    expect(Plan!.Arguments.FunctionName).toBe(FUNCTIONS.plan);
    // The org's users' wallbox lists, a batch a child, by the reading function, within the same budget; then the plan's second part.
    expect(DiscoverBatches).toMatchObject({
      Type: "Map",
      MaxConcurrency: 7,
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "RememberBatch" },
      Next: "Split",
    });
    const discover = DiscoverBatches!.ItemProcessor.States.Discover;
    expect(discover.Arguments.FunctionName).toBe(FUNCTIONS.shard);
    expect(discover.Catch).toEqual([
      { ErrorEquals: [...FATAL_STEP_ERRORS], Next: "DiscoveryFailed" },
      { ErrorEquals: ["States.ALL"], Next: "BatchFailed" },
    ]);
    expect(Split).toMatchObject({ Type: "Task", Next: "Shards", Arguments: { FunctionName: FUNCTIONS.plan } });
    expect(Shards).toMatchObject({
      Type: "Map",
      MaxConcurrency: 7,
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "RememberShard" },
      Next: "Collect",
    });
    const shard = Shards!.ItemProcessor.States.Shard;
    expect(shard.Arguments.FunctionName).toBe(FUNCTIONS.shard);
    // A fatal error (bad credentials, a damaged work store, a bug) is neither retried nor caught:
    // the run fails. Any other is tried 3 times in all, 10 s then 30 s apart (jittered), and
    // then becomes a failed shard.
    const fatal = [...FATAL_STEP_ERRORS];
    // The Lambda service's own errors as AWS advises for every Lambda task: 6 times, 2 s apart, doubling.
    const lambdaService = {
      ErrorEquals: [
        "Lambda.ClientExecutionTimeoutException",
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
      ],
      MaxAttempts: 6,
      IntervalSeconds: 2,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: "FULL",
    };
    expect(shard.Retry).toEqual([
      { ErrorEquals: fatal, MaxAttempts: 0, IntervalSeconds: 1, BackoffRate: 1, MaxDelaySeconds: 1, JitterStrategy: "NONE" },
      lambdaService,
      { ErrorEquals: ["States.ALL"], MaxAttempts: 2, IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 120, JitterStrategy: "FULL" },
    ]);
    expect(shard.Catch).toEqual([
      { ErrorEquals: fatal, Next: "RunFailed" },
      { ErrorEquals: ["States.ALL"], Next: "ShardFailed" },
    ]);
    expect(Shards!.ItemProcessor.States.RunFailed).toMatchObject({ Type: "Fail" });
    // The CSV parts: an inline Map after Collect, each part retried as a shard is; a part that
    // still fails fails the run (no catch), since the report cannot lack its session detail.
    expect(Collect).toMatchObject({ Type: "Task", Next: "Details" });
    expect(Collect!.Arguments.FunctionName).toBe(FUNCTIONS.collect);
    expect(Details).toMatchObject({ Type: "Map", MaxConcurrency: 10, ItemProcessor: { StartAt: "Detail" }, Next: "Merge" });
    expect(Details!.ItemProcessor.ProcessorConfig).toEqual({ Mode: "INLINE" });
    const detail = Details!.ItemProcessor.States.Detail;
    expect(detail.Arguments.FunctionName).toBe(FUNCTIONS.detail);
    expect(detail.Retry).toEqual(shard.Retry);
    expect(detail.Catch).toBeUndefined();
    // Plan, Collect and Merge are retried on the Lambda service's own errors, then on S3's (what
    // the client's retries and resumed reads could not mend) and Secrets Manager's; any other error fails the run.
    const storeErrors = {
      ErrorEquals: ["S3ObjectError", "AwsServiceError", "ApiUnreachableError"],
      MaxAttempts: 3,
      IntervalSeconds: 5,
      BackoffRate: 3,
      MaxDelaySeconds: 60,
      JitterStrategy: "FULL",
    };
    for (const step of [Plan, Collect, Merge]) expect(step!.Retry).toEqual([lambdaService, storeErrors]);
    expect(Merge).toMatchObject({ Type: "Task", Next: "Done" });
    expect(Merge!.Arguments.FunctionName).toBe(FUNCTIONS.merge);
    expect(Done).toMatchObject({ Type: "Succeed" });
  });

  it("turns a shard's last error into the failed result the merge step reads", async () => {
    const definition = await workflowDefinition();
    const failed = definition.States.Shards!.ItemProcessor.States.ShardFailed;
    const shard = { index: 3, first: 60, count: 20, wallboxesKey: "plan-x/shard-0004.jsonl" };
    expect(await evaluate(failed.Output, { states: { input: { Error: "States.Timeout", Cause: "…" } }, shard })).toEqual({
      index: 3,
      status: "failed",
      error: "States.Timeout",
    });
  });
});
