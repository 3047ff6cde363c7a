import { describe, expect, it } from "vitest";
import { currentStatus, placementOf, type RunStatus, reportKeys, selectWallboxes, UnknownWallboxError } from "./model.ts";

const RUN = "00000000-0000-4000-8000-000000000001";
const running: RunStatus = {
  runId: RUN,
  month: "2026-10",
  trigger: "on-demand",
  requestedAt: "2026-11-01T05:00:00.000Z",
  manifestKey: "m",
  status: "running",
};
const limits = { maxRunMs: 16 * 60_000, maxQueueMs: 6 * 60_000 };
const at = (iso: string) => new Date(iso);

describe("cloud runs", () => {
  it("keeps a running run running within its limits, and calls it failed after them", () => {
    expect(currentStatus(running, at("2026-11-01T05:05:59Z"), limits).status).toBe("running");
    expect(currentStatus(running, at("2026-11-01T05:06:01Z"), limits)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/the workflow did not begin the run within/),
    });
    const started = { ...running, startedAt: "2026-11-01T05:04:00.000Z" };
    expect(currentStatus(started, at("2026-11-01T05:19:59Z"), limits).status).toBe("running");
    expect(currentStatus(started, at("2026-11-01T05:20:01Z"), limits)).toMatchObject({
      status: "failed",
      finishedAt: "2026-11-01T05:20:00.000Z",
      error: expect.stringMatching(/did not finish within 16 minutes/),
    });
  });

  it("never lets an incomplete run replace a complete month, nor a subset the month", () => {
    expect(placementOf({}, true, true)).toBe("month");
    expect(placementOf({}, false, false)).toBe("month");
    expect(placementOf({}, false, true)).toBe("set-aside");
    expect(placementOf({ wallboxIds: ["x"] }, true, false)).toBe("subset");
    expect(reportKeys("org", "2026-10", RUN, "set-aside").manifest).toBe(`reports/org/2026-10/incomplete/${RUN}/manifest.json`);
    expect(reportKeys("org", "2026-10", RUN, "month")).toEqual({
      prefix: "reports/org/2026-10/",
      xlsx: "reports/org/2026-10/hems-savings-2026-10.xlsx",
      json: "reports/org/2026-10/hems-savings-2026-10.json",
      manifest: "reports/org/2026-10/manifest.json",
    });
  });

  it("selects configured wallboxes in config order and names the unknown ones", () => {
    const config = {
      orgId: "o",
      wallboxes: ["a", "b", "c"].map((id) => ({ userId: `u-${id}`, wallboxId: `00000000-0000-4000-8000-00000000000${id}` })),
    };
    expect(
      selectWallboxes(config, ["00000000-0000-4000-8000-00000000000C", "00000000-0000-4000-8000-00000000000a"]).wallboxes.map((w) => w.userId),
    ).toEqual(["u-a", "u-c"]);
    expect(() => selectWallboxes(config, ["00000000-0000-4000-8000-00000000000d"])).toThrow(UnknownWallboxError);
    expect(selectWallboxes(config, undefined)).toBe(config);
  });
});
