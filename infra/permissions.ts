import { type BucketRole, bucketAccess } from "../packages/core/src/domain/run/bucket-access";

/**
 * Every IAM statement of the stage's roles, in one place and pure: infra hands exactly these to
 * SST (the functions' `permissions`, the state machine's role), and test/workflow/permissions.test.ts
 * evaluates every AWS call the tests' runs make against them with an IAM policy evaluator. So a
 * change here, or a new call in the code, is checked before a deploy meets it.
 *
 * Generic in `T`: infra passes Pulumi outputs (ARNs known at deploy), the tests plain strings;
 * `join` concatenates either (`$concat` in infra, `Array.join` in tests).
 */
export interface PolicyStatement<T> {
  actions: string[];
  resources: (T | string)[];
}

export interface StageResources<T> {
  join: (...parts: (T | string)[]) => T;
  bucketArn: T;
  orgId: string;
  /** The Partner API credentials secret. */
  apiSecretArn: T;
  /** The workflow's state machine, and its executions' ARN without the name: `arn:aws:states:{region}:{account}:execution:{stateMachineName}`. */
  stateMachineArn: T;
  executionArnPrefix: T;
  operatorTopicArn: T;
  scheduleDeadLettersArn: T;
  /** The signed links' private key, where links are set up. */
  linksKeySecretArn?: T;
  /** The SES identities the merge sends finance's email as (the sender's domain and address), where recipients are set. */
  sesIdentityArns?: T[];
}

/** Who makes AWS calls: each function, and the state machine itself. */
export const FUNCTION_ROLES = ["plan", "shard", "collect", "detail", "merge", "onDemand", "scheduled"] as const;
export type FunctionRole = (typeof FUNCTION_ROLES)[number];
export type StageRole = FunctionRole | "stateMachine";

function bucketStatements<T>(stage: StageResources<T>, role: BucketRole): PolicyStatement<T>[] {
  return [
    ...bucketAccess(role, stage.orgId).map((grant) => ({
      actions: [grant.action],
      resources: grant.keys.map((key) => stage.join(stage.bucketArn, "/", key)),
    })),
    // Lets S3 answer "no such key" (404) for a missing object instead of 403, and a run's progress
    // be counted; it reveals key names in this bucket only.
    { actions: ["s3:ListBucket"], resources: [stage.bucketArn] },
  ];
}

const publish = <T>(stage: StageResources<T>): PolicyStatement<T> => ({ actions: ["sns:Publish"], resources: [stage.operatorTopicArn] });

/** A workflow step: the bucket under the org's keys, the API secret, the operators' topic. */
function stepStatements<T>(stage: StageResources<T>): PolicyStatement<T>[] {
  return [...bucketStatements(stage, "step"), { actions: ["secretsmanager:GetSecretValue"], resources: [stage.apiSecretArn] }, publish(stage)];
}

/**
 * A trigger: run statuses and the month's lease in the bucket; start a run, count the running
 * ones, and look at one run's execution. A run's execution is `execution:{stateMachine}:{runId}`
 * (a distributed Map's child executions are `execution:{stateMachine}/{label}:{id}`, which only
 * the state machine itself needs).
 */
function triggerStatements<T>(stage: StageResources<T>): PolicyStatement<T>[] {
  return [
    ...bucketStatements(stage, "trigger"),
    { actions: ["states:StartExecution", "states:ListExecutions"], resources: [stage.stateMachineArn] },
    { actions: ["states:DescribeExecution"], resources: [stage.join(stage.executionArnPrefix, ":*")] },
    publish(stage),
  ];
}

/** The statements of each function's role. */
export function functionPolicies<T>(stage: StageResources<T>): Record<FunctionRole, PolicyStatement<T>[]> {
  const step = stepStatements(stage);
  return {
    plan: step,
    shard: step,
    collect: step,
    detail: step,
    merge: [
      ...step,
      ...(stage.linksKeySecretArn ? [{ actions: ["secretsmanager:GetSecretValue"], resources: [stage.linksKeySecretArn] }] : []),
      // SES v2 authorizes a raw message's SendEmail against the identity it is sent as.
      ...(stage.sesIdentityArns?.length ? [{ actions: ["ses:SendEmail", "ses:SendRawEmail"], resources: stage.sesIdentityArns }] : []),
    ],
    onDemand: triggerStatements(stage),
    // An invocation that still fails goes to the dead-letter queue (its on-failure destination).
    scheduled: [...triggerStatements(stage), { actions: ["sqs:SendMessage"], resources: [stage.scheduleDeadLettersArn] }],
  };
}

/**
 * The state machine's role, given the five step functions it invokes.
 * SST gives a state machine's role `events:*` on every resource. This one needs only to invoke
 * its five functions, run its distributed Map's child executions, and deliver its error logs.
 */
export function stateMachinePolicy<T>(stage: StageResources<T>, stepFunctionArns: T[]): PolicyStatement<T>[] {
  return [
    // The functions, and any version or alias of them, should they ever be published.
    { actions: ["lambda:InvokeFunction"], resources: stepFunctionArns.flatMap((arn) => [arn, stage.join(arn, ":*")]) },
    { actions: ["states:StartExecution"], resources: [stage.stateMachineArn] },
    { actions: ["states:DescribeExecution", "states:StopExecution"], resources: [stage.join(stage.executionArnPrefix, "/*")] },
    {
      // CloudWatch Logs delivery for state machines takes no narrower resource.
      actions: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      resources: ["*"],
    },
  ];
}

/** The sender's SES identities: its domain, and the address itself (SES authorizes whichever is verified). */
export function senderIdentities(emailFrom: string): { domain: string; address: string } | undefined {
  const address = /<?([^\s<>]+@([^\s<>]+))>?$/.exec(emailFrom);
  return address ? { address: address[1]!, domain: address[2]! } : undefined;
}
