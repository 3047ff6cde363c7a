import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { localFolderStore } from "@hems-reports/core/adapters/local/folder";
import { COVERAGE_ISSUES } from "@hems-reports/core/domain/org";
import { runMonthlyReport } from "@hems-reports/core/pipeline";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { LosslessNumber } from "lossless-json";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientFor, OCTOBER, ORG_ID, sessionItem, sessionItems, wallboxRef } from "../support/api.ts";
import { temporaryFolder } from "../support/cli.ts";
import { localScratch } from "../support/local.ts";

let out: Awaited<ReturnType<typeof temporaryFolder>>;
let simulator: Simulator;
beforeEach(async () => {
  out = await temporaryFolder();
  simulator = await startSimulator({ seed: "tests" });
});
afterEach(async () => {
  await simulator.close();
  await out.remove();
});

const boxes = [
  { ...wallboxRef("one", 'Garage, "north"'), externalUserId: "CUST-1", externalDeviceId: "DEV-1", manufacturer: "Easee", model: "Home" },
  wallboxRef("two"),
  wallboxRef("three"),
];

function run(options: { sessionRowLimit?: number; csvRowsPerPart?: number } = {}) {
  return runMonthlyReport({
    ...localScratch,
    wallboxes: { from: "config", config: { orgId: ORG_ID, wallboxes: boxes } },
    window: OCTOBER,
    generatedAt: new Date("2026-11-01T06:00:00Z"),
    source: "test",
    reader: clientFor(simulator),
    concurrency: 2,
    store: localFolderStore(out.path),
    ...options,
  });
}

const csvLines = async (name: string) => (await readFile(join(out.path, name), "utf8")).split("\r\n");

describe("the session detail as CSV", () => {
  it("holds every session as the API sent it: UTF-8 with BOM, a header, exact decimals, UTC times, report order", async () => {
    simulator.setSessions(boxes[0]!.wallboxId, [
      sessionItem(2, {
        started_at: "2026-10-05T10:00:00+02:00",
        savings_eur: new LosslessNumber("1.005"),
        energy_from_solar_kwh: new LosslessNumber("1e-3"),
      }),
      sessionItem(1, {
        outcome: "paused_by_grid_operator",
        savings_eur: null,
        ended_at: null,
        has_complete_price_coverage: null,
        ocpp_transaction_id: null,
      }),
    ]);
    simulator.setSessions(boxes[1]!.wallboxId, []);
    simulator.setSessions(boxes[2]!.wallboxId, [sessionItem(3, { savings_eur: new LosslessNumber("0.10000000000000000001") })]);
    const result = await run();
    expect(result.csv.map((file) => file.name)).toEqual(["hems-sessions-2026-10.csv"]);

    const text = await readFile(join(out.path, "hems-sessions-2026-10.csv"), "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).split("\r\n");
    expect(lines[0]).toBe(
      "wallbox_label,user_id,wallbox_id,external_user_id,external_device_id,manufacturer,model," +
        "session_id,ocpp_transaction_id,started_at,ended_at,final_hems_state,outcome,outcome_counted_as," +
        "energy_from_solar_kwh,savings_eur,has_complete_price_coverage,commands_sent,commands_applied,commands_ineffective",
    );
    const first = sessionItem(1);
    expect(lines.slice(1)).toEqual([
      // Session 1 starts on 2 October, session 2 on 5 October: chronological within the wallbox.
      `"Garage, ""north""",${boxes[0]!.userId},${boxes[0]!.wallboxId},CUST-1,DEV-1,Easee,Home,1,,${first.started_at},,finished,paused_by_grid_operator,unknown,1.5,,,3,2,1`,
      `"Garage, ""north""",${boxes[0]!.userId},${boxes[0]!.wallboxId},CUST-1,DEV-1,Easee,Home,2,1002,2026-10-05T08:00:00.000Z,${sessionItem(2, { started_at: "2026-10-05T10:00:00+02:00" }).ended_at},finished,charged_from_solar,charged_from_solar,1e-3,1.005,true,3,2,1`,
      `,${boxes[2]!.userId},${boxes[2]!.wallboxId},,,,,3,1003,${sessionItem(3).started_at},${sessionItem(3).ended_at},finished,charged_from_solar,charged_from_solar,1.5,0.10000000000000000001,true,3,2,1`,
      "",
    ]);
  });

  it("splits into numbered parts of at most the part size, every session once, each part with its header", async () => {
    for (const [index, box] of boxes.entries()) simulator.setSessions(box.wallboxId, sessionItems(9, 100 * index + 1));
    const result = await run({ csvRowsPerPart: 10 });
    expect(result.csv.map((file) => file.name)).toEqual([
      "hems-sessions-2026-10-part001.csv",
      "hems-sessions-2026-10-part002.csv",
      "hems-sessions-2026-10-part003.csv",
    ]);
    const parts = await Promise.all(result.csv.map((file) => csvLines(file.name)));
    expect(parts.map((lines) => lines.length - 2)).toEqual([10, 10, 7]);
    for (const lines of parts) expect(lines[0]).toMatch(/^\uFEFFwallbox_label,/);
    // Report order across the parts: wallbox by wallbox as configured, each by start, then id.
    const ids = parts.flatMap((lines) => lines.slice(1, -1).map((line) => Number(line.split(",").at(-13))));
    const expected = boxes.flatMap((_, index) =>
      sessionItems(9, 100 * index + 1)
        .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at) || a.id - b.id)
        .map((item) => item.id),
    );
    expect(ids).toEqual(expected);
  });

  it("keeps the workbook's Sessions sheet to the row limit, pointing to the CSV beyond it", async () => {
    for (const [index, box] of boxes.entries()) simulator.setSessions(box.wallboxId, sessionItems(4, 100 * index + 1));
    await run({ sessionRowLimit: 11, csvRowsPerPart: 5 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out.path, "hems-savings-2026-10.xlsx"));
    const sessions = workbook.getWorksheet("Sessions")!;
    expect(sessions.actualRowCount).toBe(2);
    expect(sessions.getRow(2).getCell(1).value).toBe(
      "This month has 12 sessions, more than the 11 this workbook lists. Every session is in the CSV session detail: 3 parts, hems-sessions-2026-10-part001.csv to hems-sessions-2026-10-part003.csv.",
    );
    // No session has a finding; the lines there are the coverage check's (this config is not the simulator's org).
    const kinds: unknown[] = [];
    workbook.getWorksheet("Data quality")!.eachRow((row, number) => number > 1 && kinds.push(row.getCell(2).value));
    expect(kinds.filter((kind) => !(Object.values(COVERAGE_ISSUES) as unknown[]).includes(kind))).toEqual([]);
    // Its 3 users are not in the simulator's users list; the simulator's 25 users are not in it.
    expect(kinds.filter((kind) => kind === COVERAGE_ISSUES.notCounted)).toHaveLength(3);
    expect(kinds.filter((kind) => kind === COVERAGE_ISSUES.notCovered)).toHaveLength(25);
  });
});
