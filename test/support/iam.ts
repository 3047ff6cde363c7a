import { AsyncLocalStorage } from "node:async_hooks";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { functionPolicies, type PolicyStatement, type StageResources, type StageRole, stateMachinePolicy } from "../../infra/permissions.ts";
import { WORKFLOW_FUNCTIONS } from "./workflow.ts";

/**
 * The tests' AWS account: every AWS call the code under test makes goes through a production SDK
 * client with a middleware (see `guard`) that names the IAM action and the exact resource ARN the
 * call needs, and evaluates them against the policy statements infra/ deploys for the role of the
 * function making it, with a real IAM policy evaluator (@cloud-copilot/iam-simulate). A call the
 * policies deny is refused as AWS refuses it (AccessDenied) and kept in `deniedCalls`; the test
 * files fail on any.
 */
export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-central-1";
export const TEST_BUCKET = "hems-reports-test";
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:hems-reports-test-ReportRun`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:podero-api-AbCdEf`;
export const LINKS_KEY_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:links-AbCdEf`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:hems-reports-test-OperatorAlertsTopic`;
export const EMAIL_FROM = "HEMS reports <reports@acme.example>";

/** This stage's resources, as infra/report.ts hands them to infra/permissions.ts, with plain ARNs. */
export function testStage(orgId: string): StageResources<string> {
  return {
    join: (...parts) => parts.join(""),
    bucketArn: `arn:aws:s3:::${TEST_BUCKET}`,
    orgId,
    apiSecretArn: SECRET_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    executionArnPrefix: STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:"),
    operatorTopicArn: TOPIC_ARN,
    scheduleDeadLettersArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:hems-reports-test-ScheduleDeadLetters`,
    linksKeySecretArn: LINKS_KEY_SECRET_ARN,
    sesIdentityArns: ["acme.example", "reports@acme.example"].map((identity) => `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/${identity}`),
  };
}

/** Whose role an AWS call is made under: the function (or state machine) the harness is running. */
export const callerRole = new AsyncLocalStorage<StageRole>();
export const asRole = <T>(role: StageRole, work: () => T): T => callerRole.run(role, work);

export interface AwsCall {
  role: StageRole;
  /** The SDK command, e.g. `GetObjectCommand`. */
  command: string;
  action: string;
  resource: string;
  allowed: boolean;
}

/** Every call evaluated in this process, and those refused: the test files assert that none was. */
export const awsCalls: AwsCall[] = [];
export const deniedCalls = () => awsCalls.filter((call) => !call.allowed);

const policyDocument = (statements: PolicyStatement<string>[]) => ({
  Version: "2012-10-17",
  Statement: statements.map((statement) => ({ Effect: "Allow", Action: statement.actions, Resource: statement.resources as string[] })),
});

const decisions = new Map<string, Promise<boolean>>();

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/**
 * The decision's key: no policy names a run's or an attempt's id (they are uuids under wildcards:
 * test/workflow/permissions.test.ts checks that the statements name no uuid but the org's), so resources
 * that differ only in such ids are decided alike, and evaluated once.
 */
const decisionKey = (orgId: string, role: StageRole, action: string, resource: string) =>
  `${orgId} ${role} ${action} ${resource.replace(UUID, (id) => (id.toLowerCase() === orgId.toLowerCase() ? id : "run-id"))}`;

/** Every statement of the test stage's roles, for checking what they name. */
export function stageStatements(orgId: string): PolicyStatement<string>[] {
  const stage = testStage(orgId);
  return [...Object.values(functionPolicies(stage)).flat(), ...stateMachinePolicy(stage, Object.values(WORKFLOW_FUNCTIONS))];
}

/** Whether the role's identity policies allow `action` on `resource`, as IAM decides (same account, over TLS). */
export function allowed(orgId: string, role: StageRole, action: string, resource: string): Promise<boolean> {
  const key = decisionKey(orgId, role, action, resource);
  let decision = decisions.get(key);
  if (!decision) {
    const stage = testStage(orgId);
    const statements = role === "stateMachine" ? stateMachinePolicy(stage, Object.values(WORKFLOW_FUNCTIONS)) : functionPolicies(stage)[role];
    decision = runSimulation(
      {
        identityPolicies: [{ name: `${role}-inline`, policy: policyDocument(statements) }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action,
          principal: `arn:aws:iam::${ACCOUNT_ID}:role/hems-reports-test-${role}`,
          resource: { accountId: ACCOUNT_ID, resource },
          contextVariables: { "aws:SecureTransport": "true" },
        },
      },
      {},
    ).then((result) => {
      if (result.resultType !== "single") throw new Error(`IAM simulation of ${action} on ${resource}: ${JSON.stringify(result).slice(0, 500)}`);
      return result.overallResult === "Allowed";
    });
    decisions.set(key, decision);
  }
  return decision;
}

/** The state machine's own calls (invoking its functions, its distributed Map's children), evaluated and recorded as the functions' are. */
export async function authorizeStateMachine(orgId: string, action: string, resource: string): Promise<void> {
  const ok = await allowed(orgId, "stateMachine", action, resource);
  awsCalls.push({ role: "stateMachine", command: "(Step Functions)", action, resource, allowed: ok });
  if (!ok) throw new Error(`AccessDeniedException: ${action} on ${resource}`);
}

/** The IAM action and the resource ARNs one SDK call needs (every one must be allowed). */
export type IamRequests = (command: string, input: Record<string, unknown>) => { action: string; resource: string }[];

/**
 * Adds the permission check to a production SDK client: each call is evaluated for the role
 * running it (outside any role it is a harness error) and refused as AWS would when denied.
 */
export function guard<C extends { middlewareStack: { add: (...args: never[]) => void } }>(
  client: C,
  orgId: string,
  requests: IamRequests,
  refuse: (message: string) => Error,
): C {
  (client.middlewareStack as unknown as { add: (middleware: unknown, options: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const command = context.commandName ?? "unknown";
      const role = callerRole.getStore();
      if (!role) throw new Error(`${command} was called outside any function's role: run it through the test app's handlers`);
      for (const { action, resource } of requests(command, args.input)) {
        const ok = await allowed(orgId, role, action, resource);
        awsCalls.push({ role, command, action, resource, allowed: ok });
        if (!ok)
          throw refuse(
            `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/hems-reports-test-${role} is not authorized to perform: ${action} on resource: ${resource}`,
          );
      }
      return next(args);
    },
    { step: "initialize", name: "iamGuard", priority: "high" },
  );
  return client;
}

/** S3: what each command the code sends needs, on the object's or the bucket's ARN. */
export const s3Requests: IamRequests = (command, input) => {
  const object = (bucket: unknown, key: unknown) => `arn:aws:s3:::${String(bucket)}/${String(key)}`;
  const read = input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject";
  switch (command) {
    case "GetObjectCommand":
    case "HeadObjectCommand":
      return [{ action: read, resource: object(input.Bucket, input.Key) }];
    case "PutObjectCommand":
    case "CreateMultipartUploadCommand":
    case "UploadPartCommand":
    case "CompleteMultipartUploadCommand":
      return [{ action: "s3:PutObject", resource: object(input.Bucket, input.Key) }];
    case "AbortMultipartUploadCommand":
      return [{ action: "s3:AbortMultipartUpload", resource: object(input.Bucket, input.Key) }];
    case "DeleteObjectCommand":
      return [{ action: input.VersionId ? "s3:DeleteObjectVersion" : "s3:DeleteObject", resource: object(input.Bucket, input.Key) }];
    case "ListObjectsV2Command":
      return [{ action: "s3:ListBucket", resource: `arn:aws:s3:::${String(input.Bucket)}` }];
    case "CopyObjectCommand": {
      const [source, version] = String(input.CopySource).split("?versionId=");
      const slash = source!.indexOf("/");
      const sourceKey = decodeURIComponent(source!.slice(slash + 1));
      return [
        { action: version ? "s3:GetObjectVersion" : "s3:GetObject", resource: object(source!.slice(0, slash), sourceKey) },
        { action: "s3:PutObject", resource: object(input.Bucket, input.Key) },
      ];
    }
    default:
      throw new Error(`the tests' IAM check does not know what ${command} needs: add it to s3Requests`);
  }
};
