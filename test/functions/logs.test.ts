import { describe, expect, it } from "vitest";
import { testApp, urlEvent } from "../support/aws.ts";
import { logs, onDemand, s3, scheduled, simulator, useFunctionsFixture } from "../support/functions.ts";

useFunctionsFixture();

describe("logs", () => {
  it("are JSON lines with the run id, each wallbox's outcome and duration, and the totals, and never a secret", async () => {
    const app = testApp(s3, simulator);
    const event = urlEvent("POST", { body: "{}" });
    await onDemand(app)(event);
    await app.runQueued();
    simulator.revokeTokens();
    await scheduled(app);

    const text = logs.join("");
    const records = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Log lines, and the runs' metrics as CloudWatch embedded-metric-format lines.
    const metricLines = records.filter((record) => "_aws" in record);
    expect(metricLines).toHaveLength(2);
    expect(metricLines[0]).toMatchObject({
      service: "hems-reports",
      SessionsRead: expect.any(Number),
      WallboxesFailed: 0,
      ReportComplete: 1,
      RunDuration: expect.any(Number),
      _aws: { CloudWatchMetrics: [{ Namespace: "HemsReports" }] },
    });
    expect(
      records.filter((record) => !("_aws" in record)).every((record) => record.service === "hems-reports" && typeof record.level === "string"),
    ).toBe(true);
    const wallboxLines = records.filter((record) => record.message === "wallbox read");
    expect(wallboxLines).toHaveLength(6);
    expect(wallboxLines[0]).toMatchObject({
      runId: "00000000-0000-4000-8000-000000000001",
      month: "2026-10",
      status: "ok",
      durationMs: expect.any(Number),
    });
    // Both runs read the month at the same moment: the first to publish stays the month's report.
    expect(records.filter((record) => record.message === "run done")).toHaveLength(1);
    expect(records.filter((record) => record.message === "run done, kept beside the month's report, which stays in place")).toHaveLength(1);
    expect(records.find((record) => record.message === "run done")).toMatchObject({
      complete: true,
      wallboxes: 3,
      sessions: expect.any(Number),
      savingsEur: expect.any(String),
    });

    const token = await app.deps.tokens.token();
    for (const secret of [token, event.headers.authorization!, event.headers["x-amz-security-token"]!]) expect(text).not.toContain(secret);
  });
});
