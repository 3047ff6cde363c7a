import { afterEach, describe, expect, it, vi } from "vitest";

// `Resource` from sst reads the SST_RESOURCE_* variables once, on first access, into globals of
// its own; each case clears those, sets the variables, and loads fresh copies of the modules.
async function linkedAs(resources: Record<string, unknown>) {
  const state = globalThis as Record<string, unknown>;
  delete state.__SST_RESOURCE_RAW__;
  delete state.__SST_RESOURCE_ENVIRONMENT__;
  vi.resetModules();
  vi.unstubAllEnvs();
  vi.stubEnv("AWS_REGION", "eu-central-1");
  vi.stubEnv("SST_RESOURCE_App", JSON.stringify({ name: "hems-reports", stage: "test" }));
  for (const [name, value] of Object.entries(resources)) vi.stubEnv(`SST_RESOURCE_${name}`, JSON.stringify(value));
}

async function settingsWith(resources: Record<string, unknown>) {
  await linkedAs(resources);
  const { settingsFromResource } = await import("../../packages/functions/src/wiring/settings.ts");
  return settingsFromResource;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const linked = {
  ReportStore: { name: "hems-reports-test-reportsbucket-abc" },
  PoderoApiSecret: { arn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:podero-AbCdEf" },
  ReportSettings: {
    apiUrl: "https://sandbox-app.podero.com",
    tokenUrl: "https://sandbox-app.podero.com/oauth2/token/",
    orgId: "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11",
    configKey: "config/wallboxes.json",
    wallboxesFrom: "partner-api",
    maxRunMinutes: 15,
    maxQueueMinutes: 5,
    maxConcurrentRuns: 3,
    shardSize: 2000,
    csvRowsPerPart: 1_000_000,
    concurrency: 8,
    timeZone: "Europe/Vienna",
    financeRecipients: "finance@acme.example, controller@acme.example",
    emailFrom: "HEMS reports <reports@acme.example>",
    orgLabel: "",
  },
};
const WORKFLOW_ARN = "arn:aws:states:eu-central-1:123456789012:stateMachine:hems-reports-test-ReportRun";

describe("settings from linked resources", () => {
  it("reads what infra/report.ts links, the workflow only where it is linked", async () => {
    const withWorkflow = await settingsWith({ ...linked, ReportWorkflow: { arn: WORKFLOW_ARN } });
    expect(withWorkflow()).toEqual({
      bucket: "hems-reports-test-reportsbucket-abc",
      secretArn: linked.PoderoApiSecret.arn,
      apiUrl: linked.ReportSettings.apiUrl,
      tokenUrl: linked.ReportSettings.tokenUrl,
      orgId: linked.ReportSettings.orgId,
      configKey: "config/wallboxes.json",
      wallboxesFrom: "partner-api",
      maxRunMinutes: 15,
      maxQueueMinutes: 5,
      maxConcurrentRuns: 3,
      shardSize: 2000,
      csvRowsPerPart: 1_000_000,
      concurrency: 8,
      timeZone: "Europe/Vienna",
      financeRecipients: ["finance@acme.example", "controller@acme.example"],
      emailFrom: "HEMS reports <reports@acme.example>",
      workflowArn: WORKFLOW_ARN,
    });
    const withoutWorkflow = await settingsWith(linked);
    expect(withoutWorkflow().workflowArn).toBeUndefined();
  });

  it("says which resource is missing or which setting is bad", async () => {
    const { ReportSettings: _settings, ...withoutSettings } = linked;
    await expect(settingsWith(withoutSettings).then((read) => read())).rejects.toThrow(
      /a linked resource is missing: "ReportSettings" is not linked/,
    );
    const badOrg = { ...linked, ReportSettings: { ...linked.ReportSettings, orgId: "acme" } };
    await expect(settingsWith(badOrg).then((read) => read())).rejects.toThrow("the stage settings are invalid: orgId: invalid uuid");
    // Credentials go to the API and token URLs: https, or plain http only to this machine (the simulator).
    const plain = { ...linked, ReportSettings: { ...linked.ReportSettings, tokenUrl: "http://sandbox-app.podero.com/oauth2/token/" } };
    await expect(settingsWith(plain).then((read) => read())).rejects.toThrow(
      "the stage settings are invalid: tokenUrl: tokenUrl must be an https URL (plain http only to this machine)",
    );
    const local = {
      ...linked,
      ReportSettings: { ...linked.ReportSettings, apiUrl: "http://127.0.0.1:8080", tokenUrl: "http://localhost:8080/token" },
    };
    expect((await settingsWith(local))().apiUrl).toBe("http://127.0.0.1:8080");
  });
});

describe("handlers with the links infra/report.ts gives them", () => {
  it("the on-demand function works without the secret, which it is not linked to", async () => {
    const { PoderoApiSecret: _secret, ...onDemandLinks } = linked;
    await linkedAs({ ...onDemandLinks, ReportWorkflow: { arn: WORKFLOW_ARN } });
    const { handler } = await import("../../packages/functions/src/handlers/on-demand.ts");
    const event = { requestContext: { http: { method: "GET" } }, queryStringParameters: { runId: "not-a-uuid" } };
    const answer = await handler(event as never);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ issues: [{ field: "runId", message: "invalid uuid" }] });
  });
});
