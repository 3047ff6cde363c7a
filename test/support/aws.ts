import { SecretsManagerClient, SecretsManagerServiceException } from "@aws-sdk/client-secrets-manager";
import { SESv2Client, SESv2ServiceException, MessageRejected as SesMessageRejected } from "@aws-sdk/client-sesv2";
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  SFNServiceException,
} from "@aws-sdk/client-sfn";
import { InvalidParameterException, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { putObject } from "@hems-reports/core/adapters/aws/s3";
import { secretsManagerReader } from "@hems-reports/core/adapters/aws/secrets";
import { sesEmailSender } from "@hems-reports/core/adapters/aws/ses";
import { snsOperatorAlerts } from "@hems-reports/core/adapters/aws/sns";
import type { ShardStepResult } from "@hems-reports/core/cloud";
import type { OperatorAlert } from "@hems-reports/core/domain/alerts";
import type { RunJob } from "@hems-reports/core/domain/run";
import type { Simulator } from "@hems-reports/simulator";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import type { FunctionRole } from "../../infra/permissions.ts";
import { createCollectHandler } from "../../packages/functions/src/handlers/collect.ts";
import { createDetailHandler } from "../../packages/functions/src/handlers/detail.ts";
import { createMergeHandler } from "../../packages/functions/src/handlers/merge.ts";
import { createOnDemandHandler } from "../../packages/functions/src/handlers/on-demand.ts";
import { createPlanHandler } from "../../packages/functions/src/handlers/plan.ts";
import { createScheduledHandler } from "../../packages/functions/src/handlers/scheduled.ts";
import { createShardHandler } from "../../packages/functions/src/handlers/shard.ts";
import type { Settings } from "../../packages/functions/src/wiring/settings.ts";
import { buildStepDeps, type StepDeps } from "../../packages/functions/src/wiring/step-deps.ts";
import { stepFunctionsRuns } from "../../packages/functions/src/wiring/step-functions.ts";
import { fastHttp, ORG_ID } from "./api.ts";
import {
  ACCOUNT_ID,
  asRole,
  authorizeStateMachine,
  EMAIL_FROM,
  guard,
  LINKS_KEY_SECRET_ARN,
  REGION,
  SECRET_ARN,
  STATE_MACHINE_ARN,
  TOPIC_ARN,
} from "./iam.ts";
import { functionsClient, type LocalS3 } from "./s3.ts";
import { type Retried, runStateMachine, STATE_PAYLOAD_LIMIT_BYTES } from "./state-machine.ts";
import { type AslDefinition, WORKFLOW_FUNCTIONS, workflowDefinition } from "./workflow.ts";

export { SECRET_ARN };
export const CONFIG_KEY = "config/wallboxes.json";

/** The functions' handlers, each run under its own role (its AWS calls are checked against that role's policies). */
export interface TestHandlers {
  plan: ReturnType<typeof createPlanHandler>;
  shard: ReturnType<typeof createShardHandler>;
  collect: ReturnType<typeof createCollectHandler>;
  detail: ReturnType<typeof createDetailHandler>;
  merge: ReturnType<typeof createMergeHandler>;
  onDemand: ReturnType<typeof createOnDemandHandler>;
  scheduled: ReturnType<typeof createScheduledHandler>;
}

export interface TestApp {
  deps: StepDeps;
  handlers: TestHandlers;
  /** Runs the triggers started: queued, as a started execution is, until `runQueued`. */
  queuedJobs: RunJob[];
  /**
   * Runs each queued job through the workflow's own definition (its retries and catches, its
   * Maps, its payload limit), with the real step handlers as its functions. Settles when all
   * have (failures included).
   */
  runQueued: () => Promise<PromiseSettledResult<{ runId: string; status: string; complete?: boolean }>[]>;
  /** What the state machine runs after the shards' Map, with the real handlers: collect, every CSV part, merge. */
  afterShards: (job: RunJob, shards: ShardStepResult[]) => Promise<{ runId: string; status: string; complete?: boolean }>;
  /** The finance emails the merge step sent (SES is the seam: the raw MIME messages). */
  sentEmails: Buffer[];
  /** The alerts operators would receive (SNS is the seam). */
  sentAlerts: OperatorAlert[];
  /** Each retry the workflow's definition made, over all runs of this app. */
  workflowRetries: Retried[];
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
    failCommand?: string;
    /** The stage's HEMS_SHARD_SIZE and HEMS_CSV_ROWS_PER_PART (defaults 2,000 and 1,000,000). */
    shardSize?: number;
    csvRowsPerPart?: number;
    /** Where the functions' S3 client sends its requests (a fault-injecting proxy); the local S3 by default. */
    s3Endpoint?: string;
    firstRun?: number;
    /** The stage's HEMS_TIMEZONE. Default: UTC. */
    timeZone?: string;
    /** The stage's HEMS_WALLBOXES_FROM and PODERO_ORG_ID. Default: the config, of ORG_ID. */
    wallboxesFrom?: "config" | "partner-api";
    orgId?: string;
    /** Finance recipients (and signed links): the emails SES would send are kept in `sentEmails`. */
    finance?: { recipients: string[]; links?: { domain: string; keyPairId: string; privateKey: string } };
  } = {},
): TestApp {
  const queuedJobs: RunJob[] = [];
  const workflowRetries: Retried[] = [];
  const sentEmails: Buffer[] = [];
  const sentAlerts: OperatorAlert[] = [];
  /** The workflow's executions as Step Functions would describe them: started, then ended. */
  const executions = new Map<string, { status: string; input: string }>();
  let reads = 0;
  let runCounter = (options.firstRun ?? 1) - 1;
  const settings: Settings = {
    bucket: s3.bucket,
    secretArn: SECRET_ARN,
    apiUrl: simulator.url,
    tokenUrl: simulator.tokenUrl,
    orgId: options.orgId ?? ORG_ID,
    configKey: CONFIG_KEY,
    wallboxesFrom: options.wallboxesFrom ?? "config",
    workflowArn: STATE_MACHINE_ARN,
    alertsTopicArn: TOPIC_ARN,
    maxRunMinutes: 15,
    maxQueueMinutes: 5,
    maxConcurrentRuns: 3,
    timeZone: options.timeZone ?? "UTC",
    shardSize: options.shardSize ?? 2_000,
    csvRowsPerPart: options.csvRowsPerPart ?? 1_000_000,
    financeRecipients: options.finance?.recipients ?? [],
    ...(options.finance ? { emailFrom: EMAIL_FROM, orgLabel: "Acme Energie GmbH" } : {}),
    ...(options.finance?.links
      ? {
          linksDomain: options.finance.links.domain,
          linksKeyPairId: options.finance.links.keyPairId,
          linksKeySecretArn: LINKS_KEY_SECRET_ARN,
        }
      : {}),
    concurrency: 8,
  };
  const secret = options.secret ?? JSON.stringify(simulator.credentials);
  const aws = { region: REGION, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } };
  // The AWS services that cannot run here answer through their production SDK clients, after the
  // IAM check: what a call sends (its command, ARNs, body) is what the code would send to AWS.
  const secrets = answering(
    guard(new SecretsManagerClient(aws), ORG_ID, secretsRequests, refusal(SecretsManagerServiceException)),
    (_command, input) => {
      if (input.SecretId === SECRET_ARN) {
        reads++;
        return { ARN: SECRET_ARN, SecretString: secret };
      }
      if (input.SecretId === LINKS_KEY_SECRET_ARN && options.finance?.links)
        return { ARN: LINKS_KEY_SECRET_ARN, SecretString: options.finance.links.privateKey };
      throw new SecretsManagerServiceException({
        name: "ResourceNotFoundException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "no such secret",
      });
    },
  );
  const stepFunctions = answering(guard(new SFNClient(aws), ORG_ID, statesRequests, refusal(SFNServiceException)), (command, input) => {
    const name = String(input.name ?? "");
    if (command === "StartExecutionCommand") {
      // As Step Functions validates a start: the name, and the input's size (StartExecution API reference).
      if (!/^[0-9A-Za-z_-]{1,80}$/.test(name)) throw new InvalidName({ $metadata: {}, message: `Invalid Name: '${name}'` });
      if (Buffer.byteLength(String(input.input), "utf8") > STATE_PAYLOAD_LIMIT_BYTES)
        throw new InvalidExecutionInput({ $metadata: {}, message: "The input exceeds the maximum size of 262144 bytes" });
      const known = executions.get(name);
      // Step Functions takes a repeated start of a running execution (same name, same input) as
      // one; a closed one, or other input, is refused (StartExecution API reference).
      if (known && (known.input !== input.input || known.status !== "RUNNING"))
        throw new ExecutionAlreadyExists({ $metadata: {}, message: `Execution Already Exists: '${name}'` });
      if (!known) {
        executions.set(name, { status: "RUNNING", input: String(input.input) });
        queuedJobs.push(JSON.parse(String(input.input)) as RunJob);
      }
      return { executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${name}`, startDate: new Date() };
    }
    if (command === "ListExecutionsCommand") {
      if (Number(input.maxResults ?? 0) > 1000) throw new Error("ListExecutions takes maxResults up to 1000");
      const running = [...executions].filter(([, execution]) => !input.statusFilter || execution.status === input.statusFilter);
      return { executions: running.slice(0, Number(input.maxResults ?? 1000)).map(([runId]) => ({ name: runId, status: "RUNNING" })) };
    }
    if (command === "DescribeExecutionCommand") {
      const runId = String(input.executionArn).split(":").pop()!;
      const execution = executions.get(runId);
      if (!execution) throw new ExecutionDoesNotExist({ $metadata: {}, message: `Execution Does Not Exist: ${String(input.executionArn)}` });
      return { executionArn: input.executionArn, status: execution.status };
    }
    throw new Error(`the tests' Step Functions does not answer ${command}`);
  });
  const sns = answering(guard(new SNSClient(aws), ORG_ID, snsRequests, refusal(SNSServiceException)), (_command, input) => {
    // As SNS validates a publish (Publish API reference): an ASCII subject of less than 100
    // characters without line breaks, a message of at most 256 KiB.
    const subject = String(input.Subject ?? "");
    const invalid = (message: string) => new InvalidParameterException({ $metadata: {}, message: `Invalid parameter: ${message}` });
    if (subject.length >= 100 || !/^[\x20-\x7e]*$/.test(subject) || /^\s/.test(subject)) throw invalid(`Subject "${subject}"`);
    const bytes = Buffer.byteLength(String(input.Message ?? ""), "utf8");
    if (bytes === 0 || bytes > 262_144) throw invalid(`Message of ${bytes} bytes`);
    return { MessageId: `message-${sentAlerts.length}` };
  });
  const ses = answering(guard(new SESv2Client(aws), ORG_ID, sesRequests, refusal(SESv2ServiceException)), (_command, input) => {
    const raw = Buffer.from((input.Content as { Raw: { Data: Uint8Array } }).Raw.Data);
    // As SES v2 validates a raw message: at most 40 MB, at most 50 recipients.
    const recipients = (/^To:(.*(?:\r?\n[ \t].*)*)/im.exec(raw.toString("utf8"))?.[1] ?? "").split(",").filter((part) => part.includes("@"));
    if (raw.length > 40 * 1024 * 1024 || recipients.length > 50)
      throw new SesMessageRejected({ $metadata: {}, message: `message of ${raw.length} bytes to ${recipients.length} recipients` });
    sentEmails.push(raw);
    return { MessageId: `email-${sentEmails.length}` };
  });
  const operatorTopic = snsOperatorAlerts(TOPIC_ARN, { logGroup: "/aws/lambda/hems-reports-test", stage: "test" }, sns);
  const deps: StepDeps = buildStepDeps({
    settings,
    s3: functionsClient(s3, {
      iam: { orgId: ORG_ID },
      ...(options.s3Endpoint ? { endpoint: options.s3Endpoint, socketTimeoutMs: 600 } : {}),
      ...(options.failCommand ? { failCommand: options.failCommand } : {}),
    }),
    readSecret: secretsManagerReader(secrets, SECRET_ARN),
    ...stepFunctionsRuns(stepFunctions, STATE_MACHINE_ARN),
    http: fastHttp(),
    now: () => options.now ?? new Date("2026-11-01T05:00:00Z"),
    newRunId: () => `00000000-0000-4000-8000-${String(++runCounter).padStart(12, "0")}`,
    alerts: {
      alert: async (alert) => {
        sentAlerts.push(alert);
        await operatorTopic.alert(alert);
      },
    },
    emailSender: sesEmailSender(ses),
    ...(options.finance?.links ? { readLinksKey: secretsManagerReader(secrets, LINKS_KEY_SECRET_ARN) } : {}),
  });
  const as =
    <A extends unknown[], R>(role: FunctionRole, handler: (...args: A) => Promise<R>) =>
    (...args: A) =>
      asRole(role, () => handler(...args));
  const handlers: TestHandlers = {
    plan: as(
      "plan",
      createPlanHandler(() => deps),
    ),
    shard: as(
      "shard",
      createShardHandler(() => deps),
    ),
    collect: as(
      "collect",
      createCollectHandler(() => deps),
    ),
    detail: as(
      "detail",
      createDetailHandler(() => deps),
    ),
    merge: as(
      "merge",
      createMergeHandler(() => deps),
    ),
    onDemand: as(
      "onDemand",
      createOnDemandHandler(() => deps),
    ),
    scheduled: as(
      "scheduled",
      createScheduledHandler(() => deps),
    ),
  };
  const { plan, shard, collect, detail, merge } = handlers;
  const afterShards = async (job: RunJob, shards: ShardStepResult[]) => {
    const { parts } = await collect({ job, shards });
    for (const part of parts) await detail({ job, part });
    return merge({ job });
  };
  /** The workflow's own definition, run with the real handlers as its functions (test/support/state-machine.ts). */
  const runWorkflow = async (job: RunJob) => {
    const functions = {
      [WORKFLOW_FUNCTIONS.plan]: plan as (payload: unknown) => Promise<unknown>,
      [WORKFLOW_FUNCTIONS.shard]: shard as (payload: unknown) => Promise<unknown>,
      [WORKFLOW_FUNCTIONS.collect]: collect as (payload: unknown) => Promise<unknown>,
      [WORKFLOW_FUNCTIONS.detail]: detail as (payload: unknown) => Promise<unknown>,
      [WORKFLOW_FUNCTIONS.merge]: merge as (payload: unknown) => Promise<unknown>,
    };
    const outcome = (await runStateMachine(await definition(), job, {
      functions,
      retries: workflowRetries,
      stateMachineArn: STATE_MACHINE_ARN,
      authorize: (action, resource) => authorizeStateMachine(ORG_ID, action, resource),
    })) as {
      runId: string;
      status: string;
      complete?: boolean;
    };
    return outcome;
  };
  // The steps run as the workflow's functions: their S3 calls are checked against the steps' grants.
  const runQueued = () =>
    Promise.allSettled(
      queuedJobs.splice(0).map((job) => {
        // A job a test queued itself is an execution started outside the triggers (an operator's, a redrive).
        if (!executions.has(job.runId)) executions.set(job.runId, { status: "RUNNING", input: JSON.stringify(job) });
        return runWorkflow(job).then(
          (result) => {
            executions.get(job.runId)!.status = "SUCCEEDED";
            return result;
          },
          (error: unknown) => {
            executions.get(job.runId)!.status = "FAILED";
            throw error;
          },
        );
      }),
    );
  return { deps, handlers, queuedJobs, runQueued, afterShards, sentEmails, sentAlerts, workflowRetries, secretReads: () => reads };
}

let loaded: Promise<AslDefinition> | undefined;
/** The definition as SST serializes it, loaded once per test file. */
const definition = () => {
  loaded ??= workflowDefinition();
  return loaded;
};

/** A production SDK client whose requests are answered here (after the IAM check) instead of sent. */
function answering<C extends { middlewareStack: unknown }>(
  client: C,
  answer: (command: string, input: Record<string, unknown>) => Record<string, unknown>,
): C {
  (client.middlewareStack as { add: (middleware: unknown, options: unknown) => void }).add(
    (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => ({
      output: { $metadata: { httpStatusCode: 200 }, ...answer(context.commandName ?? "unknown", args.input) },
      response: {},
    }),
    { step: "initialize", name: "answeredHere", priority: "low" },
  );
  return client;
}

type ServiceException = new (options: { name: string; $fault: "client"; $metadata: { httpStatusCode: number }; message: string }) => Error;
const refusal = (Exception: ServiceException) => (message: string) =>
  new Exception({ name: "AccessDeniedException", $fault: "client", $metadata: { httpStatusCode: 400 }, message });

const secretsRequests = (_command: string, input: Record<string, unknown>) => [
  { action: "secretsmanager:GetSecretValue", resource: String(input.SecretId) },
];
const snsRequests = (_command: string, input: Record<string, unknown>) => [{ action: "sns:Publish", resource: String(input.TopicArn) }];
const statesRequests = (command: string, input: Record<string, unknown>) => {
  const action = `states:${command.replace(/Command$/, "")}`;
  return [{ action, resource: String(command === "DescribeExecutionCommand" ? input.executionArn : input.stateMachineArn) }];
};
/** SES v2 authorizes a raw message's SendEmail against the identity it is sent as: the From address, or its domain. */
const sesRequests = (_command: string, input: Record<string, unknown>) => {
  const raw = Buffer.from((input.Content as { Raw: { Data: Uint8Array } }).Raw.Data).toString("utf8");
  const from = /^From:.*?<?([^\s<>]+@([^\s<>]+?))>?\s*$/im.exec(raw);
  if (!from) throw new Error("the finance email has no From header");
  return [from[1]!, from[2]!].map((identity) => ({ action: "ses:SendEmail", resource: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/${identity}` }));
};

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
