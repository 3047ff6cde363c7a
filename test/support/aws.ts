import { AsyncLocalStorage } from "node:async_hooks";
import type { OperatorAlert } from "@hems-reports/core/alerts";
import type { BucketRole, RunJob } from "@hems-reports/core/run-records";
import { putObject } from "@hems-reports/core/s3";
import { isFatalStepError, type ShardStepResult } from "@hems-reports/core/workflow";
import type { Simulator } from "@hems-reports/simulator";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { type AppDeps, buildDeps } from "../../packages/functions/src/lib/report-deps.ts";
import type { Settings } from "../../packages/functions/src/lib/settings.ts";
import { createCollectHandler } from "../../packages/functions/src/steps/collect.ts";
import { createDetailHandler } from "../../packages/functions/src/steps/detail.ts";
import { createMergeHandler } from "../../packages/functions/src/steps/merge.ts";
import { createPlanHandler } from "../../packages/functions/src/steps/plan.ts";
import { createShardHandler } from "../../packages/functions/src/steps/shard.ts";
import { fastHttp, ORG_ID } from "./api.ts";
import { functionsClient, type LocalS3, type S3Call } from "./s3.ts";

/** Which function's role an S3 call is made under: the workflow's steps, or (outside `run`) a trigger. */
export const stepRole = new AsyncLocalStorage<BucketRole>();

export const SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:podero-api-AbCdEf";
export const CONFIG_KEY = "config/wallboxes.json";

export interface TestApp {
  deps: AppDeps;
  /** Runs the triggers started: queued, as a started execution is, until `runQueued`. */
  queuedJobs: RunJob[];
  /**
   * Runs each queued job through the workflow's steps with the real step handlers, in the order
   * the state machine runs them (Step Functions itself cannot run here; its definition is tested
   * in test/workflow.test.ts): plan, every shard (a shard that throws becomes a failed result,
   * as the Map's catch makes it, unless the error is fatal), collect, every CSV part, merge. Settles when all have (failures included).
   */
  runQueued: () => Promise<PromiseSettledResult<{ runId: string; status: string; complete?: boolean }>[]>;
  /** What the state machine runs after the shards' Map, with the real handlers: collect, every CSV part, merge. */
  afterShards: (job: RunJob, shards: ShardStepResult[]) => Promise<{ runId: string; status: string; complete?: boolean }>;
  /** The finance emails the merge step sent (SES is the seam: the raw MIME messages). */
  sentEmails: Buffer[];
  /** The alerts operators would receive (SNS is the seam). */
  sentAlerts: OperatorAlert[];
  /** How often the secret was read (Secrets Manager calls). */
  secretReads: () => number;
}

/**
 * The functions' dependencies with the real S3 client code pointed at s3rver, the simulator as the
 * Partner API, and the two seams that cannot run here: the secret's text (Secrets Manager) and the
 * workflow (Step Functions), whose steps run in process with the real step handlers.
 */
export function testApp(
  s3: LocalS3,
  simulator: Simulator,
  /** `firstRun`: the number in the first run id (…0001 by default); run ids are never reused in one bucket, as UUIDs are not. */
  options: {
    secret?: string;
    now?: Date;
    onS3Call?: (call: S3Call) => void;
    failCommand?: string;
    firstRun?: number;
    /** The stage's HEMS_TIMEZONE. Default: UTC. */
    timeZone?: string;
    /** Finance recipients (and signed links): the emails SES would send are kept in `sentEmails`. */
    finance?: { recipients: string[]; links?: { domain: string; keyPairId: string; privateKey: string } };
  } = {},
): TestApp {
  const queuedJobs: RunJob[] = [];
  const sentEmails: Buffer[] = [];
  const sentAlerts: OperatorAlert[] = [];
  /** The workflow's executions as Step Functions would describe them: started, then ended. */
  const executions = new Map<string, string>();
  let reads = 0;
  let runCounter = (options.firstRun ?? 1) - 1;
  const settings: Settings = {
    bucket: s3.bucket,
    secretArn: SECRET_ARN,
    apiUrl: simulator.url,
    tokenUrl: simulator.tokenUrl,
    orgId: ORG_ID,
    configKey: CONFIG_KEY,
    workflowArn: "arn:aws:states:eu-central-1:123456789012:stateMachine:hems-reports-test-ReportRun",
    maxRunMinutes: 15,
    maxQueueMinutes: 5,
    maxConcurrentRuns: 3,
    timeZone: options.timeZone ?? "UTC",
    shardSize: 2_000,
    csvRowsPerPart: 1_000_000,
    financeRecipients: options.finance?.recipients ?? [],
    ...(options.finance ? { emailFrom: "HEMS reports <reports@acme.example>", orgLabel: "Acme Energie GmbH" } : {}),
    ...(options.finance?.links
      ? {
          linksDomain: options.finance.links.domain,
          linksKeyPairId: options.finance.links.keyPairId,
          linksKeySecretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:links-AbCdEf",
        }
      : {}),
    concurrency: 8,
  };
  const secret = options.secret ?? JSON.stringify(simulator.credentials);
  const deps: AppDeps = buildDeps({
    settings,
    s3: functionsClient(s3, {
      ...(options.onS3Call ? { onCall: options.onS3Call } : {}),
      ...(options.failCommand ? { failCommand: options.failCommand } : {}),
    }),
    readSecret: async () => {
      reads++;
      return secret;
    },
    startRun: async (job: RunJob) => {
      // Step Functions takes a repeated start of the same execution (same name, same input) as one.
      if (executions.has(job.runId)) return;
      executions.set(job.runId, "RUNNING");
      queuedJobs.push(job);
    },
    describeRun: async (runId: string) => {
      const status = executions.get(runId);
      return status ? { status } : undefined;
    },
    http: fastHttp(),
    now: () => options.now ?? new Date("2026-11-01T05:00:00Z"),
    newRunId: () => `00000000-0000-4000-8000-${String(++runCounter).padStart(12, "0")}`,
    alerts: {
      alert: async (alert) => {
        sentAlerts.push(alert);
      },
    },
    emailSender: {
      send: async (raw) => {
        sentEmails.push(raw);
      },
    },
    ...(options.finance?.links ? { readLinksKey: async () => options.finance!.links!.privateKey } : {}),
  });
  const plan = createPlanHandler(() => deps);
  const shard = createShardHandler(() => deps);
  const collect = createCollectHandler(() => deps);
  const detail = createDetailHandler(() => deps);
  const merge = createMergeHandler(() => deps);
  const afterShards = async (job: RunJob, shards: ShardStepResult[]) => {
    const { parts } = await collect({ job, shards });
    for (const part of parts) await detail({ job, part });
    return merge({ job });
  };
  const runWorkflow = async (job: RunJob) => {
    const planned = await plan(job);
    const results = [];
    for (const descriptor of planned.shards) {
      results.push(
        await shard({ job, shard: descriptor }).catch((error: Error) => {
          // As the Map does: a fatal error fails the run, any other becomes a failed shard (retries aside).
          if (isFatalStepError(error)) throw error;
          return { index: descriptor.index, status: "failed" as const, error: error.name };
        }),
      );
    }
    return afterShards(job, results);
  };
  // The steps run as the workflow's functions: their S3 calls are checked against the steps' grants.
  const runQueued = () =>
    Promise.allSettled(
      queuedJobs.splice(0).map((job) =>
        stepRole.run("step", () =>
          runWorkflow(job).then(
            (result) => {
              executions.set(job.runId, "SUCCEEDED");
              return result;
            },
            (error: unknown) => {
              executions.set(job.runId, "FAILED");
              throw error;
            },
          ),
        ),
      ),
    );
  return { deps, queuedJobs, runQueued, afterShards, sentEmails, sentAlerts, secretReads: () => reads };
}

export async function uploadConfig(s3: LocalS3, config: unknown): Promise<void> {
  await putObject(s3, CONFIG_KEY, Buffer.from(JSON.stringify(config)), "application/json");
}

/** A function URL event as Lambda delivers it (IAM auth: a SigV4 Authorization header). */
export function urlEvent(method: string, options: { body?: string; query?: Record<string, string>; base64?: boolean } = {}): LambdaFunctionURLEvent {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261101/eu-central-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      "x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
      "content-type": "application/json",
    },
    queryStringParameters: options.query,
    requestContext: {
      accountId: "123456789012",
      apiId: "url-id",
      domainName: "url-id.lambda-url.eu-central-1.on.aws",
      domainPrefix: "url-id",
      authorizer: {
        iam: {
          accessKey: "AKIAIOSFODNN7EXAMPLE",
          accountId: "123456789012",
          callerId: "AIDAEXAMPLE",
          userArn: "arn:aws:iam::123456789012:user/finance-ops",
          userId: "AIDAEXAMPLE",
        },
      },
      http: { method, path: "/", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "awscurl" },
      requestId: "request-id",
      routeKey: "$default",
      stage: "$default",
      time: "01/Nov/2026:05:00:00 +0000",
      timeEpoch: Date.parse("2026-11-01T05:00:00Z"),
    },
    body: options.body === undefined ? undefined : options.base64 ? Buffer.from(options.body).toString("base64") : options.body,
    isBase64Encoded: options.base64 ?? false,
  } as LambdaFunctionURLEvent;
}
