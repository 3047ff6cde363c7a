import { describe, expect, it } from "vitest";
import type { Manifest } from "../report/index.ts";
import {
  currentStatus,
  expectedManifestKey,
  monthManifestDecision,
  type RunStatus,
  runReportKeys,
  selectWallboxes,
  UnknownWallboxError,
} from "./model.ts";

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

  it("never lets an incomplete report replace a complete month; otherwise the later reading is the month's", () => {
    const manifest = (runId: string, complete: boolean, generatedAt: string) => ({ runId, complete, generatedAt }) as Manifest;
    const complete = manifest("a", true, "2026-11-01T06:00:00.000Z");
    expect(monthManifestDecision(undefined, complete)).toBe("replace");
    expect(monthManifestDecision(complete, manifest("a", true, "2026-11-01T06:00:00.000Z"))).toBe("already");
    expect(monthManifestDecision(complete, manifest("b", false, "2026-11-02T06:00:00.000Z"))).toBe("keep");
    expect(monthManifestDecision(manifest("b", false, "2026-11-02T06:00:00.000Z"), complete)).toBe("replace");
    expect(monthManifestDecision(complete, manifest("c", true, "2026-11-03T06:00:00.000Z"))).toBe("replace");
    expect(monthManifestDecision(manifest("c", true, "2026-11-03T06:00:00.000Z"), complete)).toBe("keep");
    expect(monthManifestDecision(manifest("d", false, "2026-11-01T06:00:00.000Z"), manifest("e", false, "2026-11-01T07:00:00.000Z"))).toBe("replace");
    // The same moment: the first to be published stays.
    expect(monthManifestDecision(complete, manifest("f", true, "2026-11-01T06:00:00.000Z"))).toBe("keep");
  });

  it("keeps each run's files under its own prefix, and points the month's manifest or a subset's own", () => {
    expect(runReportKeys("org", "2026-10", RUN)).toEqual({
      prefix: `reports/org/2026-10/runs/${RUN}/`,
      xlsx: `reports/org/2026-10/runs/${RUN}/hems-savings-2026-10.xlsx`,
      json: `reports/org/2026-10/runs/${RUN}/hems-savings-2026-10.json`,
      manifest: `reports/org/2026-10/runs/${RUN}/manifest.json`,
    });
    expect(expectedManifestKey("org", { month: "2026-10", runId: RUN })).toBe("reports/org/2026-10/manifest.json");
    expect(expectedManifestKey("org", { month: "2026-10", runId: RUN, wallboxIds: ["x"] })).toBe(`reports/org/2026-10/runs/${RUN}/manifest.json`);
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
