import { describe, expect, it } from "vitest";
import { ConfigError } from "./config.ts";
import { parseConfigLines, unknownWallboxIds } from "./lines.ts";

const ORG = "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11";
const box = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    userId: `1b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a${String(n).padStart(2, "0")}`,
    wallboxId: `2b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a${String(n).padStart(2, "0")}`,
    ...extra,
  });
async function* linesOf(...lines: string[]) {
  yield* lines;
}
async function errorOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe("the wallbox config as JSON Lines", () => {
  it("reads the org, then a wallbox a line, skipping blank lines, keeping labels", async () => {
    const config = await parseConfigLines(linesOf(JSON.stringify({ orgId: ORG }), box(1, { label: "Garage" }), "", box(2)), "w.jsonl");
    expect(config.orgId).toBe(ORG);
    expect(config.wallboxes.map((wallbox) => wallbox.label)).toEqual(["Garage", undefined]);
  });

  it("names the line and the field of every kind of mistake", async () => {
    const header = JSON.stringify({ orgId: ORG });
    expect(await errorOf(parseConfigLines(linesOf(header, box(1), "{nope"), "w.jsonl"))).toMatch(/^wallbox config w.jsonl: line 3 is not valid JSON/);
    expect(await errorOf(parseConfigLines(linesOf(header, box(1, { wallboxId: "x" })), "w.jsonl"))).toBe(
      "invalid wallbox config w.jsonl: line 2 (a wallbox): wallboxId: invalid uuid",
    );
    expect(await errorOf(parseConfigLines(linesOf(box(1)), "w.jsonl"))).toMatch(/line 1 \(the org, \{"orgId": "…"\}\)/);
    expect(await errorOf(parseConfigLines(linesOf(header, box(1), box(2), box(1)), "w.jsonl"))).toMatch(
      /line 4: wallbox .* is listed twice \(also on line 2\)/,
    );
    expect(await errorOf(parseConfigLines(linesOf(header), "w.jsonl"))).toMatch(/list at least one wallbox/);
    expect(await errorOf(parseConfigLines(linesOf(header, box(1, { lable: "Garage" })), "w.jsonl"))).toBe(
      'invalid wallbox config w.jsonl: line 2 (a wallbox): (root): unknown key "lable" (did you mean "label"?); known: "userId", "wallboxId", "label", "externalUserId", "externalDeviceId", "manufacturer", "model"',
    );
    expect(await errorOf(parseConfigLines(linesOf(""), "w.jsonl"))).toMatch(/it is empty/);
  });

  it("finds requested wallboxes that are not configured, whatever their case", async () => {
    const wanted = [JSON.parse(box(2)).wallboxId.toUpperCase(), "3b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a99"];
    expect(await unknownWallboxIds(linesOf(JSON.stringify({ orgId: ORG }), box(1), box(2)), "w.jsonl", wanted)).toEqual([wanted[1]]);
  });
});
