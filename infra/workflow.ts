import type { StepFunctions } from "../.sst/platform/src/components/aws/step-functions";
import type { LambdaInvokeArgs } from "../.sst/platform/src/components/aws/step-functions/task";
import { FATAL_STEP_ERRORS, RETRIED_STORE_ERRORS, STEP_RETRIES, type StepName } from "../packages/core/src/cloud/fatal-errors";

/**
 * The report run as a state machine, for both triggers and every org size:
 *
 *   Plan ─▶ Discover (Map: each batch of the org's users has its wallboxes listed, by the shard
 *                     function; none when the wallboxes come from a config)
 *        ─▶ Split (the plan function again: the plan from the batches' lists, or the config's)
 *        ─▶ Shards (distributed Map: Shard, retried with backoff; a shard that still fails
 *                   becomes a failed result)
 *        ─▶ Collect (each shard's outcome, settled once; the CSV parts of the session detail)
 *        ─▶ Details (Map: Detail writes one CSV part and its Data quality lines, all at once)
 *        ─▶ Merge (workbook, JSON, the CSV parts taken over, manifest, run status) ─▶ Done
 *
 * The CSV parts have steps of their own because at a million wallboxes (46M sessions) writing
 * them one after another takes longer than one Lambda invocation may run.
 * Only the run's job and small shard descriptors travel through the states (the 256 KB payload
 * limit holds for a million wallboxes: 500 shards of 2,000); everything else is in the bucket.
 * The graph is built here, apart from the resources, so a test can build it with plain ARNs,
 * read the JSON SST makes of it, and validate it.
 */
export interface WorkflowFunctions {
  plan: LambdaInvokeArgs["function"];
  shard: LambdaInvokeArgs["function"];
  collect: LambdaInvokeArgs["function"];
  detail: LambdaInvokeArgs["function"];
  merge: LambdaInvokeArgs["function"];
}

export interface WorkflowOptions {
  /** Shards read at once: with each shard's own concurrency, the Partner API's requests in flight. */
  maxConcurrentShards: number;
}

/** A failed shard is tried twice more (3 attempts in all), 10 s and then 30 s later (jittered), before it counts as failed. */
export const SHARD_RETRY = { maxAttempts: 2, intervalSeconds: 10, backoffRate: 3, maxDelaySeconds: 120 } as const;

/** CSV parts written at once: each reads its shards' sessions from the bucket and writes one file to it. */
export const MAX_CONCURRENT_PARTS = 10;

/**
 * Errors of the Lambda service itself (not of the function's code): AWS's advice for every Lambda
 * task ("Handle Lambda service exceptions", Step Functions best practices) is to retry these, 2 s
 * apart doubling, 6 times; throttling (TooManyRequests) likewise.
 */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];
const fatal = [...FATAL_STEP_ERRORS];

type Task = ReturnType<typeof StepFunctions.lambdaInvoke>;

/** AWS's recommended retry of the Lambda service's own errors, first on every task. */
const retriedOnLambdaErrors = (task: Task) =>
  task.retry({
    errors: LAMBDA_SERVICE_ERRORS,
    maxAttempts: 6,
    interval: "2 seconds",
    backoffRate: 2,
    maxDelay: "60 seconds",
    jitterStrategy: "FULL",
  });

/** A step that reads or writes much: a fatal error is not retried (the run fails, and its status says why), any other is, with backoff. */
function retriedUnlessFatal(task: Task) {
  return retriedOnLambdaErrors(
    task.retry({ errors: fatal, maxAttempts: 0, interval: "1 second", backoffRate: 1, maxDelay: "1 second", jitterStrategy: "NONE" }),
  ).retry({
    errors: ["States.ALL"],
    maxAttempts: SHARD_RETRY.maxAttempts,
    interval: `${SHARD_RETRY.intervalSeconds} seconds`,
    backoffRate: SHARD_RETRY.backoffRate,
    maxDelay: `${SHARD_RETRY.maxDelaySeconds} seconds`,
    jitterStrategy: "FULL",
  });
}

/**
 * A step that only reads and writes the bucket: retried on the Lambda service's errors and the
 * bucket's (S3ObjectError: what the S3 client's own retries and the resumed reads could not
 * mend). Any other error is the run's: it fails, and its status says why.
 */
function retriedOnStoreErrors(task: Task) {
  return retriedOnLambdaErrors(task).retry({
    errors: [...RETRIED_STORE_ERRORS],
    maxAttempts: 3,
    interval: "5 seconds",
    backoffRate: 3,
    maxDelay: "60 seconds",
    jitterStrategy: "FULL",
  });
}

/** A step's retriers, as STEP_RETRIES says (the code records a failure as the run's only when these give up). */
const retried = (step: StepName, task: Task) => (STEP_RETRIES[step] === "all but fatal" ? retriedUnlessFatal(task) : retriedOnStoreErrors(task));

/**
 * A Map whose children read the Partner API with the shard function (a shard's wallboxes, or a
 * batch of users' wallbox lists), within the API budget: each child's item is kept in a variable
 * before the call (a caught error carries only the error, not the input); a fatal error fails the
 * run; any other, after the retries, becomes a failed result `{index, status, error}`.
 */
function readingMap(
  sfn: typeof StepFunctions,
  functions: WorkflowFunctions,
  options: WorkflowOptions,
  names: { map: string; items: "shards" | "batches"; item: "shard" | "batch"; task: string; remember: string; fatal: string; failed: string },
) {
  const failed = sfn.pass({
    name: names.failed,
    output: `{% {'index': $${names.item}.index, 'status': 'failed', 'error': $states.input.Error} %}`,
  });
  const remember = sfn.pass({ name: names.remember, assign: { [names.item]: `{% $states.input.${names.item} %}` } });
  const task = retried(
    "shard",
    sfn.lambdaInvoke({
      name: names.task,
      function: functions.shard,
      payload: "{% $states.input %}",
      output: "{% $states.result.Payload %}",
    }),
  )
    .catch(sfn.fail({ name: names.fatal, error: "{% $states.input.Error %}", cause: "{% $states.input.Cause %}" }), { errors: fatal })
    .catch(failed, { errors: ["States.ALL"] });
  return sfn.map({
    name: names.map,
    mode: "standard",
    items: `{% $states.input.${names.items} %}`,
    itemSelector: { job: "{% $states.input.job %}", [names.item]: "{% $states.context.Map.Item.Value %}" },
    maxConcurrency: options.maxConcurrentShards,
    processor: remember.next(task),
  });
}

export function buildReportWorkflow(sfn: typeof StepFunctions, functions: WorkflowFunctions, options: WorkflowOptions) {
  const plan = retried(
    "plan",
    sfn.lambdaInvoke({
      name: "Plan",
      function: functions.plan,
      payload: "{% $states.input %}",
      // The job goes on to the merge in a variable; the batches go to the Discover Map.
      assign: { job: "{% $states.result.Payload.job %}" },
      output: "{% $states.result.Payload %}",
    }),
  );

  // Each batch of the org's users has its wallboxes listed; one that still fails after its retries
  // becomes a failed result, which the Split turns into a failed line for each of its users.
  const discovery = readingMap(sfn, functions, options, {
    map: "DiscoverBatches",
    items: "batches",
    item: "batch",
    task: "Discover",
    remember: "RememberBatch",
    fatal: "DiscoveryFailed",
    failed: "BatchFailed",
  });

  const split = retried(
    "plan",
    sfn.lambdaInvoke({
      name: "Split",
      function: functions.plan,
      payload: "{% {'job': $job, 'batches': $states.input} %}",
      output: "{% $states.result.Payload %}",
    }),
  );

  const shards = readingMap(sfn, functions, options, {
    map: "Shards",
    items: "shards",
    item: "shard",
    task: "Shard",
    remember: "RememberShard",
    fatal: "RunFailed",
    failed: "ShardFailed",
  });

  const collect = retried(
    "collect",
    sfn.lambdaInvoke({
      name: "Collect",
      function: functions.collect,
      payload: "{% {'job': $job, 'shards': $states.input} %}",
      output: "{% $states.result.Payload %}",
    }),
  );

  // A part that cannot be written after its retries fails the run: the detail is the report's, not a shard's.
  const detail = retried(
    "detail",
    sfn.lambdaInvoke({
      name: "Detail",
      function: functions.detail,
      payload: "{% $states.input %}",
      output: "{% $states.result.Payload %}",
    }),
  );

  const details = sfn.map({
    name: "Details",
    items: "{% $states.input.parts %}",
    itemSelector: { job: "{% $job %}", part: "{% $states.context.Map.Item.Value %}" },
    maxConcurrency: MAX_CONCURRENT_PARTS,
    processor: detail,
  });

  // The merge may be run again: it publishes the same files, and its manifest last.
  const merge = retried(
    "merge",
    sfn.lambdaInvoke({
      name: "Merge",
      function: functions.merge,
      payload: "{% {'job': $job} %}",
      output: "{% $states.result.Payload %}",
    }),
  );

  return plan
    .next(discovery)
    .next(split)
    .next(shards)
    .next(collect)
    .next(details)
    .next(merge)
    .next(sfn.succeed({ name: "Done" }));
}
