/// <reference path="../.sst/platform/config.d.ts" />

import { operatorAlerts, operatorAlertsTopic, scheduleDeadLetters, workflowAlarms } from "./alerts";
import { reportLinks, sesIdentityArns } from "./delivery";
import { functionPolicies, type StageResources, stateMachinePolicy } from "./permissions";
import { apiSecret, secretArn } from "./secrets";
import { MAX_CONCURRENT_SHARDS, MAX_RUN_MINUTES, orgId, reportSettings, TIME_ZONE } from "./settings";
import { bucket, reportStore } from "./storage";
import { buildReportWorkflow } from "./workflow";

const lambda = { runtime: "nodejs22.x", architecture: "arm64" } as const;

const STATE_MACHINE_NAME = `${$app.name}-${$app.stage}-ReportRun`;
const statesArn = (kind: "stateMachine" | "execution") =>
  $interpolate`arn:aws:states:${aws.getRegionOutput().name}:${aws.getCallerIdentityOutput().accountId}:${kind}:${STATE_MACHINE_NAME}`;

/** What the stage's roles may touch: every statement comes from infra/permissions.ts, which the tests evaluate. */
const stage: StageResources<$util.Input<string>> = {
  join: (...parts) => $concat(...parts),
  bucketArn: bucket.arn,
  orgId,
  apiSecretArn: secretArn,
  stateMachineArn: statesArn("stateMachine"),
  executionArnPrefix: statesArn("execution"),
  operatorTopicArn: operatorAlertsTopic.arn,
  scheduleDeadLettersArn: scheduleDeadLetters.arn,
  ...(reportLinks ? { linksKeySecretArn: reportLinks.privateKeySecretArn } : {}),
  ...(sesIdentityArns ? { sesIdentityArns } : {}),
};
const policies = functionPolicies(stage);

/** A step of the workflow: the bucket, the API secret and the stage settings linked. */
const workflowStep = (
  name: string,
  role: "plan" | "shard" | "collect" | "detail",
  args: Pick<sst.aws.FunctionArgs, "handler" | "timeout" | "memory">,
) =>
  new sst.aws.Function(name, {
    ...lambda,
    ...args,
    link: [reportStore, apiSecret, reportSettings, operatorAlerts],
    permissions: policies[role],
  });

/**
 * Plans a run (Plan and Split): reads the config, checks it against the org's users list (a
 * million users stream in seconds) and writes the shard lists; or reads the users list into
 * batches and, after the Discover Map, puts their wallbox lists together (HEMS_WALLBOXES_FROM).
 * Lambda's ceiling, as a million-wallbox list takes minutes to write.
 */
export const planStep = workflowStep("RunPlan", "plan", {
  handler: "packages/functions/src/handlers/plan.handler",
  timeout: "15 minutes",
  memory: "1024 MB",
});

/**
 * Reads one shard (2,000 wallboxes by default) and stores its partial result. 15 minutes is
 * Lambda's ceiling; reading stops a minute before it so the result is still stored. 2048 MB buys
 * the CPU share that parsing pages wants; memory stays at a few hundred MB (see Performance).
 */
export const shardStep = workflowStep("RunShard", "shard", {
  handler: "packages/functions/src/handlers/shard.handler",
  timeout: "15 minutes",
  memory: "2048 MB",
});

/** Settles the shards' outcomes and cuts the session detail into CSV parts: it reads only the shards' headers. */
export const collectStep = workflowStep("RunCollect", "collect", {
  handler: "packages/functions/src/handlers/collect.handler",
  timeout: "5 minutes",
  memory: "1024 MB",
});

/**
 * Writes one CSV part of the session detail (1,000,000 sessions) and its Data quality lines, from
 * the shards' sessions: about 10–20 s of CPU a part here (see Performance), with the parts at once.
 */
export const detailStep = workflowStep("RunDetail", "detail", {
  handler: "packages/functions/src/handlers/detail.handler",
  timeout: "15 minutes",
  memory: "2048 MB",
});

/**
 * Streams the shards' results into the workbook and the JSON, takes the CSV parts over, then the
 * manifests; sends finance the month's report (SES, signed links) when it becomes the month's.
 */
export const mergeStep = new sst.aws.Function("RunMerge", {
  ...lambda,
  handler: "packages/functions/src/handlers/merge.handler",
  // pdfkit loads its standard fonts' metrics with a require esbuild cannot follow: it is installed
  // beside the bundle instead (test/functions/bundles.test.ts renders a PDF from such a bundle, and
  // checks this version against the lockfile's).
  nodejs: { install: { pdfkit: "0.20.2" } },
  timeout: "15 minutes",
  memory: "2048 MB",
  link: [reportStore, apiSecret, reportSettings, operatorAlerts, ...(reportLinks ? [reportLinks.links, reportLinks.linksKey] : [])],
  permissions: policies.merge,
});

// SST gives a state machine's role `events:*` on every resource; this one gets only its own statements.
$transform(aws.iam.Role, (args, _options, name) => {
  if (name !== "ReportRunRole") return;
  args.inlinePolicies = [
    {
      name: "inline",
      policy: aws.iam.getPolicyDocumentOutput({
        statements: stateMachinePolicy(stage, [planStep.arn, shardStep.arn, collectStep.arn, detailStep.arn, mergeStep.arn]),
      }).json,
    },
  ];
});

/** The report run: Plan → a distributed Map of shards → Collect → a Map of CSV parts → Merge (see infra/workflow.ts). */
export const workflow = new sst.aws.StepFunctions("ReportRun", {
  definition: buildReportWorkflow(
    sst.aws.StepFunctions,
    { plan: planStep, shard: shardStep, collect: collectStep, detail: detailStep, merge: mergeStep },
    {
      maxConcurrentShards: MAX_CONCURRENT_SHARDS,
    },
  ),
  transform: {
    stateMachine: (args) => {
      args.name = STATE_MACHINE_NAME;
      // The run's time limit, enforced by Step Functions (the run status reports a run past it as failed, too).
      args.definition = $output(args.definition).apply((definition) =>
        JSON.stringify({ ...JSON.parse(definition), TimeoutSeconds: MAX_RUN_MINUTES * 60 }),
      );
    },
  },
});

/** The workflow's ARN for the triggers (linking the workflow itself would grant `states:*`; what they may do is in infra/permissions.ts). */
export const reportWorkflow = new sst.Linkable("ReportWorkflow", { properties: { arn: workflow.arn } });

const trigger: Pick<sst.aws.FunctionArgs, "runtime" | "architecture" | "timeout" | "memory" | "link" | "permissions"> = {
  ...lambda,
  timeout: "30 seconds",
  memory: "512 MB",
  link: [reportStore, reportSettings, reportWorkflow, operatorAlerts],
};

const deadLetters = scheduleDeadLetters.arn;
/**
 * The schedules' function. The Scheduler invokes it asynchronously: the Scheduler's own retries
 * and dead-letter queue cover events it cannot deliver; the function's 2 retries cover a start
 * that failed (a retry starts the run a first delivery could not), and an invocation that still
 * fails goes to the same dead-letter queue (its on-failure destination), which has an alarm.
 */
const scheduledTrigger: sst.aws.FunctionArgs = {
  ...trigger,
  handler: "packages/functions/src/handlers/scheduled.handler",
  retries: 2,
  permissions: policies.scheduled,
  transform: {
    eventInvokeConfig: (args) => {
      args.destinationConfig = { onFailure: { destination: deadLetters } };
    },
  },
};

/**
 * A schedule of the report, on the org's clock (HEMS_TIMEZONE), so "the month that ended" is the
 * one the org just closed. Its event names the schedule and the time it was
 * scheduled for (the Scheduler fills that in), from which the run takes its month and its id.
 */
const reportSchedule = (name: string, schedule: `cron(${string})`, kind: "monthly" | "catch-up") =>
  new sst.aws.CronV2(name, {
    schedule,
    timezone: TIME_ZONE,
    retries: 2,
    event: { kind, scheduledTime: "<aws.scheduler.scheduled-time>" },
    function: scheduledTrigger,
    dlq: deadLetters,
  });

/**
 * 06:00 on the 1st of each month: the run for the month that ended before the scheduled time,
 * with a run id made from the org and the month, so a repeated delivery starts nothing (see
 * `scheduledTrigger` for retries).
 */
export const monthly = reportSchedule("MonthlyReport", "cron(0 6 1 * ? *)", "monthly");

/**
 * 06:00 on the 2nd to the 5th: runs the month again while it has no complete report (a Partner
 * API outage on the 1st, a run that failed), and does nothing once it has one.
 */
export const catchUp = reportSchedule("CatchUpReport", "cron(0 6 2-5 * ? *)", "catch-up");

/**
 * The authenticated HTTP trigger: a function URL with IAM auth, so every call is SigV4-signed by a
 * principal allowed lambda:InvokeFunctionUrl. It only validates, records and starts a run.
 */
export const onDemand = new sst.aws.Function("OnDemandReport", {
  ...trigger,
  handler: "packages/functions/src/handlers/on-demand.handler",
  permissions: policies.onDemand,
  // IAM auth only, and no CORS: callers are signed clients, never a browser page of another origin.
  url: { authorization: "iam", cors: false },
});

workflowAlarms(workflow.arn, {
  RunPlan: planStep.name,
  RunShard: shardStep.name,
  RunCollect: collectStep.name,
  RunDetail: detailStep.name,
  RunMerge: mergeStep.name,
  OnDemandReport: onDemand.name,
  MonthlyReport: monthly.nodes.function.name,
  CatchUpReport: catchUp.nodes.function.name,
});
