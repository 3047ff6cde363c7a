import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { parseMonth } from "../month/index.ts";
import { summarizeWallbox } from "../summary/index.ts";
import { buildMonthlyReport, serializeMonthlyReport, type WallboxOutcome, writeMonthlyReportJson } from "./model.ts";
import { assertMonthlyReport } from "./schema.ts";
import { WallboxEntryArena } from "./wallbox-entries.ts";

const window = parseMonth("2026-10", new Date("2026-11-25T00:00:00Z"));

function reportOf(count: number) {
  const wallboxes: WallboxOutcome[] = Array.from({ length: count }, (_, index) => {
    const wallbox = {
      userId: `11111111-1111-4111-8111-${String(Math.floor(index / 2)).padStart(12, "0")}`,
      wallboxId: `22222222-2222-4222-8222-${String(index).padStart(12, "0")}`,
      ...(index % 2 ? { label: `Box "${index}"\n` } : {}),
    };
    return index % 7 === 3
      ? { wallbox, status: "failed", error: "sessions page at offset 0: HTTP 502 after 5 attempts" }
      : { wallbox, status: "ok", figures: summarizeWallbox([], window) };
  });
  return buildMonthlyReport({ orgId: "33333333-3333-4333-8333-333333333333", window, generatedAt: new Date("2026-11-01T06:00:00Z"), wallboxes });
}

describe("writing the JSON report", () => {
  it.each([0, 1, 3, 499, 500, 501, 1234])("streams exactly the bytes of the whole-string serialization (%i wallboxes)", async (count) => {
    const { users, wallboxes, ...head } = await reportOf(count);
    // Entries arrive in the order wallboxes finish, not in report order.
    const arena = new WallboxEntryArena();
    const arrival = wallboxes.map((_, position) => position).sort((a, b) => ((a * 7919) % 1237) - ((b * 7919) % 1237));
    for (const position of arrival) arena.put(position, wallboxes[position]!);
    const out = new PassThrough();
    const [written] = await Promise.all([text(out), writeMonthlyReportJson(head, arena, out)]);
    expect(written).toBe(serializeMonthlyReport({ ...head, users, wallboxes }));
    expect(users).toHaveLength(Math.ceil(count / 2));
  });

  it("checks a report against its schema, naming the wallbox that breaks it", async () => {
    const report = await reportOf(3);
    expect(assertMonthlyReport(report)).toBe(report);
    const broken = { ...report, wallboxes: [report.wallboxes[0]!, { ...report.wallboxes[1]!, savingsEur: "1.5" }] } as typeof report;
    expect(() => assertMonthlyReport(broken)).toThrow(/wallboxes\[1\] does not match its schema: .*2 decimals/s);
  });
});
