import { generateKeyPairSync } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { derivedRunId } from "@hems-reports/core/cloud";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { testApp, uploadConfig, urlEvent } from "../support/aws.ts";
import { shardsOf } from "../support/functions.ts";
import { allowed, awsCalls, deniedCalls, STATE_MACHINE_ARN, stageStatements, TEST_BUCKET } from "../support/iam.ts";
import { type LocalS3, startLocalS3 } from "../support/s3.ts";

/**
 * Every AWS call of the runs below (complete, incomplete, failed, subset, on demand, scheduled,
 * catch-up, the finance email, operator alerts, status reads) is evaluated against the policies
 * infra/permissions.ts gives the role making it (test/support/iam.ts); here the calls of all of
 * them are looked at together, and the evaluator itself is checked on calls it must refuse.
 */
const boxes = [wallboxRef("perm-1", "Garage"), wallboxRef("perm-2"), wallboxRef("perm-3")];
const config = { orgId: ORG_ID, wallboxes: boxes };

let s3: LocalS3;
let simulator: Simulator;
beforeAll(async () => {
  s3 = await startLocalS3(TEST_BUCKET);
  simulator = await startSimulator({ seed: "permissions" });
});
afterAll(async () => {
  await simulator.close();
  await s3.close();
});
beforeEach(async () => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  await s3.clear();
  await uploadConfig(s3, config);
});
afterEach(() => vi.restoreAllMocks());

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const finance = {
  recipients: ["finance@acme.example"],
  links: {
    domain: "d111111abcdef8.cloudfront.net",
    keyPairId: "K2JCJMDEHXQW5F",
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  },
};

describe("the deployed roles' permissions", () => {
  it("allow every AWS call that the runs of both triggers make, for every service they touch", async () => {
    awsCalls.length = 0;
    const app = testApp(s3, simulator, { finance });
    // Scheduled, complete, emailed to finance.
    await app.handlers.scheduled({ kind: "monthly", scheduledTime: app.deps.now().toISOString() });
    expect((await app.runQueued())[0]).toMatchObject({ status: "fulfilled", value: { status: "done", complete: true } });
    expect(app.sentEmails).toHaveLength(1);
    // The catch-up finds the month complete; an on-demand subset run, and the status of runs.
    await app.handlers.scheduled({ kind: "catch-up", scheduledTime: "2026-11-02T05:00:00Z" });
    const started = await app.handlers.onDemand(urlEvent("POST", { body: JSON.stringify({ wallboxIds: [boxes[0]!.wallboxId] }) }));
    expect(started.statusCode).toBe(202);
    const subsetRun = (JSON.parse(started.body ?? "{}") as { runId: string }).runId;
    expect((await app.handlers.onDemand(urlEvent("GET", { query: { runId: subsetRun } }))).statusCode).toBe(200);
    await app.runQueued();
    expect((await app.handlers.onDemand(urlEvent("GET", { query: { runId: subsetRun } }))).statusCode).toBe(200);

    // Incomplete: one wallbox cannot be read; operators are alerted.
    const failing = await startSimulator({
      seed: "permissions",
      onSessionsRequest: (request) => (request.wallboxId === boxes[1]!.wallboxId ? { status: 404 } : undefined),
    });
    try {
      const incomplete = testApp(s3, failing, { firstRun: 10 });
      expect((await incomplete.handlers.onDemand(urlEvent("POST", { body: JSON.stringify({ month: "2026-09" }) }))).statusCode).toBe(202);
      expect((await incomplete.runQueued())[0]).toMatchObject({ status: "fulfilled", value: { complete: false } });
      expect(incomplete.sentAlerts.map((alert) => alert.what)).toEqual(["report INCOMPLETE (1 of 3 wallboxes failed)"]);
    } finally {
      await failing.close();
    }
    // Failed at the plan: the API refuses the secret's token before any read; operators are alerted.
    const refused = testApp(s3, simulator, { secret: JSON.stringify({ token: "not-a-token-the-api-knows" }), firstRun: 20 });
    await refused.handlers.scheduled({ kind: "monthly", scheduledTime: "2026-09-01T05:00:00Z" });
    expect((await refused.runQueued())[0]).toMatchObject({ status: "rejected" });
    expect(refused.sentAlerts.map((alert) => alert.what)).toEqual(["run FAILED"]);
    // Failed in a shard: the token is revoked after the plan; the shard reads the secret again, is
    // refused again, and operators are alerted.
    await s3.clear();
    await uploadConfig(s3, config);
    const revoked = testApp(s3, simulator, { secret: JSON.stringify({ token: simulator.issueToken() }), firstRun: 30 });
    await revoked.handlers.scheduled({ kind: "monthly", scheduledTime: "2026-09-01T05:00:00Z" });
    const [job] = revoked.queuedJobs.splice(0);
    const planned = await revoked.handlers.plan(job!);
    simulator.revokeTokens();
    await expect(revoked.handlers.shard({ job: job!, shard: shardsOf(planned)[0]! })).rejects.toThrow(/refused/);
    expect(revoked.sentAlerts.map((alert) => alert.what)).toEqual(["run FAILED"]);

    expect(deniedCalls()).toEqual([]);
    const seen = new Set(awsCalls.map((call) => `${call.role} ${call.action}`));
    for (const expected of [
      "scheduled s3:GetObject",
      "scheduled s3:PutObject",
      "scheduled states:StartExecution",
      "onDemand states:ListExecutions",
      "onDemand states:DescribeExecution",
      "plan s3:GetObject",
      "plan secretsmanager:GetSecretValue",
      "plan sns:Publish",
      "shard s3:PutObject",
      "shard secretsmanager:GetSecretValue",
      "shard sns:Publish",
      "collect s3:GetObject",
      "detail s3:PutObject",
      "merge s3:PutObject",
      "merge secretsmanager:GetSecretValue",
      "merge ses:SendEmail",
      "merge sns:Publish",
      "stateMachine lambda:InvokeFunction",
      "stateMachine states:StartExecution",
      "stateMachine states:DescribeExecution",
    ])
      expect(seen).toContain(expected);
    // The exact ARNs, for the calls a first deploy got wrong: a run's execution, the sender's identities.
    expect(awsCalls.find((call) => call.action === "states:DescribeExecution" && call.role === "onDemand")?.resource).toMatch(
      /^arn:aws:states:eu-central-1:123456789012:execution:hems-reports-test-ReportRun:[0-9a-f-]{36}$/,
    );
    expect(awsCalls.find((call) => call.action === "states:DescribeExecution" && call.role === "stateMachine")?.resource).toMatch(
      /^arn:aws:states:eu-central-1:123456789012:execution:hems-reports-test-ReportRun\/Shards:\d+$/,
    );
    expect(new Set(awsCalls.filter((call) => call.action === "ses:SendEmail").map((call) => call.resource))).toEqual(
      new Set(["arn:aws:ses:eu-central-1:123456789012:identity/reports@acme.example", "arn:aws:ses:eu-central-1:123456789012:identity/acme.example"]),
    );
  });

  it("refuse what a role must not do, as IAM evaluates the policies", async () => {
    const object = (key: string) => `arn:aws:s3:::${TEST_BUCKET}/${key}`;
    const run = derivedRunId(ORG_ID, "2026-10", "monthly");
    const execution = STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:");
    // A trigger never writes a report file or a manifest; a step never another org's keys.
    expect(await allowed(ORG_ID, "onDemand", "s3:PutObject", object(`reports/${ORG_ID}/2026-10/manifest.json`))).toBe(false);
    expect(await allowed(ORG_ID, "scheduled", "s3:PutObject", object(`reports/${ORG_ID}/2026-10/runs/${run}/hems-savings-2026-10.json`))).toBe(false);
    expect(await allowed(ORG_ID, "merge", "s3:PutObject", object("reports/another-org/2026-10/manifest.json"))).toBe(false);
    expect(await allowed(ORG_ID, "merge", "s3:DeleteObject", object(`reports/${ORG_ID}/2026-10/manifest.json`))).toBe(false);
    // Only the merge sends email or reads the links' key; a step never starts a run.
    expect(await allowed(ORG_ID, "shard", "ses:SendEmail", "arn:aws:ses:eu-central-1:123456789012:identity/acme.example")).toBe(false);
    expect(
      await allowed(ORG_ID, "onDemand", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-central-1:123456789012:secret:podero-api-AbCdEf"),
    ).toBe(false);
    expect(await allowed(ORG_ID, "plan", "states:StartExecution", STATE_MACHINE_ARN)).toBe(false);
    // The triggers describe a run's execution; the state machine its distributed Map's children.
    expect(await allowed(ORG_ID, "onDemand", "states:DescribeExecution", `${execution}:${run}`)).toBe(true);
    expect(await allowed(ORG_ID, "stateMachine", "states:DescribeExecution", `${execution}/Shards:child-1`)).toBe(true);
    expect(await allowed(ORG_ID, "stateMachine", "lambda:InvokeFunction", "arn:aws:lambda:eu-central-1:123456789012:function:other")).toBe(false);
    // No statement names a run's id (so the decisions of one run's calls hold for another's): only the org's uuid appears.
    const named = JSON.stringify(stageStatements(ORG_ID)).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
    expect(new Set(named)).toEqual(new Set([ORG_ID]));
    // A versioned read needs its own action, which no role has: the code reads current objects only.
    expect(await allowed(ORG_ID, "merge", "s3:GetObjectVersion", object(`reports/${ORG_ID}/2026-10/manifest.json`))).toBe(false);
  });

  it("are the only grants infra makes: no link carries permissions of its own, and every function takes its role's statements", async () => {
    const files = (await readdir(new URL("../../infra/", import.meta.url))).filter((name) => name.endsWith(".ts"));
    const sources = await Promise.all(
      files.map(async (name) => [name, await readFile(new URL(`../../infra/${name}`, import.meta.url), "utf8")] as const),
    );
    for (const [name, text] of sources) {
      expect(text, `${name} grants through sst.aws.permission`).not.toMatch(/sst\.aws\.permission\(/);
      expect(text, `${name} gives a link permissions (include)`).not.toMatch(/\binclude:/);
    }
    const report = sources.find(([name]) => name === "report.ts")![1];
    // Each function: a step through workflowStep (policies[role]), the merge and the triggers by name.
    expect(report.match(/new sst\.aws\.Function\(/g)).toHaveLength(3);
    for (const grant of [
      "permissions: policies[role]",
      "permissions: policies.merge",
      "permissions: policies.onDemand",
      "permissions: policies.scheduled",
    ])
      expect(report).toContain(grant);
    expect(report).toContain("statements: stateMachinePolicy(stage,");
    // CloudWatch: metrics are EMF log lines (Powertools), alarms are infra; no function calls CloudWatch's API.
    const manifests = await Promise.all(
      ["core", "functions"].map(async (name) => readFile(new URL(`../../packages/${name}/package.json`, import.meta.url), "utf8")),
    );
    for (const text of manifests) expect(text).not.toMatch(/@aws-sdk\/client-cloudwatch/);
  });
});
