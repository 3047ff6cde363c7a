import { describe, expect, it } from "vitest";
import { ConfigError, parseReportConfig, parseReportConfigText } from "./index.ts";

const ORG = "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11";
const wallbox = (n: number) => ({
  userId: `1b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a${String(n).padStart(2, "0")}`,
  wallboxId: `2b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a${String(n).padStart(2, "0")}`,
});

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("wallbox config", () => {
  it("accepts a valid config and keeps labels", () => {
    const config = parseReportConfig({ orgId: ORG, wallboxes: [{ ...wallbox(1), label: "Garage" }, wallbox(2)] }, "wallboxes.json");
    expect(config.wallboxes).toHaveLength(2);
    expect(config.wallboxes[0]?.label).toBe("Garage");
  });

  it("names the field and its path", () => {
    const wallboxes = [wallbox(0), wallbox(1), wallbox(2), { ...wallbox(3), wallboxId: "not-a-uuid" }];
    expect(errorOf(() => parseReportConfig({ orgId: ORG, wallboxes }, "wallboxes.json"))).toBe(
      "invalid wallbox config wallboxes.json: wallboxes[3].wallboxId: invalid uuid",
    );
    expect(errorOf(() => parseReportConfig({ wallboxes }, "cfg.json"))).toMatch(/orgId/);
    expect(errorOf(() => parseReportConfig({ orgId: ORG, wallboxes: [] }, "cfg.json"))).toMatch(/wallboxes: list at least one wallbox/);
  });

  it("refuses a wallbox listed twice, case-insensitively", () => {
    const twice = { ...wallbox(1), wallboxId: wallbox(1).wallboxId.toUpperCase() };
    expect(errorOf(() => parseReportConfig({ orgId: ORG, wallboxes: [wallbox(1), wallbox(2), twice] }, "cfg.json"))).toMatch(
      /wallboxes\[2\]\.wallboxId: wallbox .* is listed twice \(also at wallboxes\[0\]\)/,
    );
  });

  it("refuses a key it does not know, naming it and the key it resembles", () => {
    const typo = { ...wallbox(1), lable: "Garage" };
    expect(errorOf(() => parseReportConfig({ orgId: ORG, wallboxes: [wallbox(0), typo] }, "cfg.json"))).toBe(
      'invalid wallbox config cfg.json: wallboxes[1]: unknown key "lable" (did you mean "label"?); known: "userId", "wallboxId", "label", "externalUserId", "externalDeviceId", "manufacturer", "model"',
    );
    expect(errorOf(() => parseReportConfig({ orgID: ORG, orgId: ORG, wallboxes: [wallbox(0)], comment: "x" }, "cfg.json"))).toBe(
      'invalid wallbox config cfg.json: (root): unknown keys "orgID" (did you mean "orgId"?), "comment"; known: "orgId", "wallboxes"',
    );
  });

  it("says when the file is not JSON", () => {
    expect(errorOf(() => parseReportConfigText("{ orgId: ", "broken.json"))).toMatch(/^wallbox config broken.json is not valid JSON/);
  });
});
