import { describe, expect, it } from "vitest";
import { alertSafely, alertText } from "./alerts.ts";

const alert = {
  month: "2026-10",
  runId: "00000000-0000-4000-8000-000000000001",
  what: "run FAILED",
  reason: "the Partner API refused the token (HTTP 401)",
};

describe("operator alerts", () => {
  it("name the month, the run, the reason and where to look", () => {
    const { subject, message } = alertText(alert, { logGroup: "/aws/lambda/hems-reports-production-RunMerge", stage: "production" });
    expect(subject).toBe("hems-reports (production) 2026-10: run FAILED");
    expect(message).toContain("run FAILED: the HEMS savings report of 2026-10, run 00000000-0000-4000-8000-000000000001.");
    expect(message).toContain("Reason: the Partner API refused the token (HTTP 401)");
    expect(message).toContain('CloudWatch Logs group /aws/lambda/hems-reports-production-RunMerge, filter by "00000000-0000-4000-8000-000000000001"');
    expect(message).toContain("the Step Functions execution named 00000000-0000-4000-8000-000000000001");
  });

  it("fit SNS's 256 KiB: a very long reason is cut, and says where the whole one is", () => {
    const { message } = alertText({ ...alert, reason: "x".repeat(300_000) }, {});
    expect(Buffer.byteLength(message)).toBeLessThan(262_144);
    expect(message).toContain("… (cut here: the run's status has the whole reason)");
  });

  it("never throw over the run's own outcome: an alert that cannot be sent is logged", async () => {
    const logged: string[] = [];
    await alertSafely({ alert: () => Promise.reject(new Error("SNS throttled")) }, alert, { error: (message) => logged.push(message) });
    expect(logged).toEqual(["operator alert NOT sent"]);
  });
});
