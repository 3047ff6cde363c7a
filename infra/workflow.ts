import type { StepFunctions } from "../.sst/platform/src/components/aws/step-functions";
import type { LambdaInvokeArgs } from "../.sst/platform/src/components/aws/step-functions/task";

/**
 * The report run as a state machine, for both triggers and every org size:
 *
 *   Plan ─▶ Shards (distributed Map: Shard, retried with backoff; a shard that still fails
 *                   becomes a failed result) ─▶ Merge (report, manifest, run status) ─▶ Done
 *
 * Only the run's job and small shard descriptors travel through the states (the 256 KB payload
 * limit holds for a million wallboxes: 500 shards of 2,000); everything else is in the bucket.
 * The graph is built here, apart from the resources, so a test can build it with plain ARNs,
 * read the JSON SST makes of it, and validate it.
 */
export interface WorkflowFunctions {
  plan: LambdaInvokeArgs["function"];
  shard: LambdaInvokeArgs["function"];
  merge: LambdaInvokeArgs["function"];
}

export interface WorkflowOptions {
  /** Shards read at once: with each shard's own concurrency, the Partner API's requests in flight. */
  maxConcurrentShards: number;
}

/** How often and how patiently a failed shard is tried again before it counts as failed. */
export const SHARD_RETRY = { maxAttempts: 3, intervalSeconds: 10, backoffRate: 3, maxDelaySeconds: 120 } as const;

export function buildReportWorkflow(sfn: typeof StepFunctions, functions: WorkflowFunctions, options: WorkflowOptions) {
  const plan = sfn.lambdaInvoke({
    name: "Plan",
    function: functions.plan,
    payload: "{% $states.input %}",
    // The job goes on to the merge in a variable; the shards go to the Map.
    assign: { job: "{% $states.result.Payload.job %}" },
    output: "{% $states.result.Payload %}",
  });

  const shardFailed = sfn.pass({
    name: "ShardFailed",
    output: "{% {'index': $shard.index, 'status': 'failed', 'error': $states.input.Error} %}",
  });
  // Kept in a variable before the call: a caught error carries only the error, not the input.
  const rememberShard = sfn.pass({ name: "RememberShard", assign: { shard: "{% $states.input.shard %}" } });
  const shard = sfn
    .lambdaInvoke({
      name: "Shard",
      function: functions.shard,
      payload: "{% $states.input %}",
      output: "{% $states.result.Payload %}",
    })
    .retry({
      errors: ["States.ALL"],
      maxAttempts: SHARD_RETRY.maxAttempts,
      interval: `${SHARD_RETRY.intervalSeconds} seconds`,
      backoffRate: SHARD_RETRY.backoffRate,
      maxDelay: `${SHARD_RETRY.maxDelaySeconds} seconds`,
      jitterStrategy: "FULL",
    })
    .catch(shardFailed, { errors: ["States.ALL"] });

  const shards = sfn.map({
    name: "Shards",
    mode: "standard",
    items: "{% $states.input.shards %}",
    itemSelector: { job: "{% $states.input.job %}", shard: "{% $states.context.Map.Item.Value %}" },
    maxConcurrency: options.maxConcurrentShards,
    processor: rememberShard.next(shard),
  });

  const merge = sfn.lambdaInvoke({
    name: "Merge",
    function: functions.merge,
    payload: "{% {'job': $job, 'shards': $states.input} %}",
    output: "{% $states.result.Payload %}",
  });

  return plan
    .next(shards)
    .next(merge)
    .next(sfn.succeed({ name: "Done" }));
}
