import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MonthlyReport } from "@hems-reports/core/domain/report";
import { simulatedUser, startSimulator, USER_TRAPS, uuidOf } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { runCli, useCliFixture } from "../support/cli.ts";

/** `--wallboxes-from api`: the run's wallboxes are every wallbox of the org, found through the Partner API. */
const { out, closeAfter } = useCliFixture();
const SEED = "hems-reports-demo";

describe("npm run report --wallboxes-from api", () => {
  it("reports every wallbox the org's users have, deleted ones left out, and writes the list it used beside the report", async () => {
    const run = await runCli(["--wallboxes-from", "api", "--wallboxes", "30", "--month", "2026-10", "--out", out.path]);
    expect(run.code).toBe(0);
    const users = Array.from({ length: 30 }, (_, index) => simulatedUser(SEED, index));
    const live = users.flatMap((user) => user.wallboxes.filter((wallbox) => !wallbox.deleted).map((wallbox) => ({ user, wallbox })));
    const deleted = users.flatMap((user) => user.wallboxes.filter((wallbox) => wallbox.deleted));
    expect(deleted.length).toBeGreaterThan(0);
    expect(run.text).toContain(`Found ${live.length} wallboxes of 30 users with wallboxes (30 users); ${deleted.length} deleted, left out`);

    const lines = (await readFile(join(out.path, "wallboxes-2026-10.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ orgId: expect.any(String) });
    expect(lines.slice(1).map((line) => line.wallboxId)).toEqual(live.map(({ wallbox }) => wallbox.id));
    // What finance reconciles by travels with each wallbox; nothing personal does.
    expect(lines[1]).toEqual({
      userId: users[0]!.id,
      wallboxId: users[0]!.wallboxes[0]!.id,
      externalUserId: "CUST-100000",
      externalDeviceId: users[0]!.wallboxes[0]!.externalDeviceId,
      manufacturer: users[0]!.wallboxes[0]!.manufacturer,
      model: users[0]!.wallboxes[0]!.model,
    });
    expect(lines.filter((line) => line.userId === users[4]!.id)[0]).not.toHaveProperty("externalUserId");
    expect(USER_TRAPS.noExternalId(4)).toBe(true);
    const text = await readFile(join(out.path, "wallboxes-2026-10.jsonl"), "utf8");
    expect(text).not.toMatch(/@example\.com|Demo Street|Customer \d/);

    const report = JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")) as MonthlyReport;
    expect(report.wallboxes.map((wallbox) => wallbox.wallboxId)).toEqual(live.map(({ wallbox }) => wallbox.id));
    expect(report.wallboxes.some((wallbox) => deleted.some((gone) => gone.id === wallbox.wallboxId))).toBe(false);

    // Podero's count is compared with what the report covers: user 9 says one wallbox more than its list holds.
    const miscounted = users.filter((user) => USER_TRAPS.miscounted(user.index));
    expect(miscounted).toHaveLength(1);
    expect(report.complete).toBe(true);
    expect(report.coverage).toEqual({
      wallboxesFrom: "partner-api",
      notCheckedBecause: null,
      orgUsers: 30,
      declaredWallboxes: live.length + 1,
      deletedWallboxes: deleted.length,
      notCovered: 1,
      usersNotListed: 0,
      gaps: 1,
    });
    expect(run.result).toContain(
      `COMPLETE for the ${live.length} listed wallboxes; Podero lists 1 more for this org that this report does not cover. The workbook's Data quality sheet lists the users concerned.`,
    );

    // Finance's ids reach the JSON, the workbook and the CSV; the By model section adds up.
    expect(report.wallboxes[0]).toMatchObject({ externalUserId: "CUST-100000", externalDeviceId: users[0]!.wallboxes[0]!.externalDeviceId });
    expect(report.users[4]).toMatchObject({ userId: users[4]!.id, externalUserId: null });
    expect(report.byModel.reduce((sum, model) => sum + model.wallboxes, 0)).toBe(live.length);
    expect(report.byModel.reduce((sum, model) => sum + model.sessions, 0)).toBe(report.totals.sessions);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out.path, "hems-savings-2026-10.xlsx"));
    const header = (sheet: string) => workbook.getWorksheet(sheet)!.getRow(1).values as unknown[];
    const wallboxes = workbook.getWorksheet("Wallboxes")!;
    expect(wallboxes.getRow(2).getCell(header("Wallboxes").indexOf("Customer number")).value).toBe("CUST-100000");
    expect(wallboxes.getRow(2).getCell(header("Wallboxes").indexOf("Model")).value).toBe(users[0]!.wallboxes[0]!.model);
    expect(workbook.getWorksheet("Users")!.getRow(2).getCell(header("Users").indexOf("Customer number")).value).toBe("CUST-100000");
    const quality = workbook.getWorksheet("Data quality")!.getRow(2);
    expect([quality.getCell(2).value, quality.getCell(7).value]).toEqual([
      "Wallboxes not covered",
      `User ${miscounted[0]!.id} (customer number ${miscounted[0]!.externalUserId}): Podero counts 2 wallboxes for the user (num_wallboxes); this report covers 1: 1 wallbox not covered.`,
    ]);
    const csv = await readFile(join(out.path, "hems-sessions-2026-10.csv"), "utf8");
    expect(csv.split("\r\n")[1]).toContain(`${users[0]!.wallboxes[0]!.id},CUST-100000,${users[0]!.wallboxes[0]!.externalDeviceId},`);

    // The run can be repeated from its own input: the same report, but for where its wallboxes came from.
    const again = await runCli([
      ...["--config", join(out.path, "wallboxes-2026-10.jsonl"), "--wallboxes", "30"],
      ...["--month", "2026-10", "--out", join(out.path, "again")],
    ]);
    expect(again.code).toBe(0);
    const repeated = JSON.parse(await readFile(join(out.path, "again", "hems-savings-2026-10.json"), "utf8")) as MonthlyReport;
    expect(repeated.coverage).toEqual({ ...report.coverage, wallboxesFrom: "config", deletedWallboxes: null });
    const strip = ({ generatedAt: _at, coverage: _coverage, ...rest }: MonthlyReport) => rest;
    expect(strip(repeated)).toEqual(strip(report));
  });

  it("reports a user whose wallboxes cannot be listed as a failed line: INCOMPLETE, never a silent gap", async () => {
    const seed = "failing-user";
    const failing = simulatedUser(seed, 2);
    const simulator = closeAfter(
      await startSimulator({ seed, orgUsers: 8, onUserWallboxesRequest: (userId) => (userId === failing.id ? { status: 500 } : undefined) }),
    );
    const run = await runCli(
      ["--api-url", simulator.url, "--wallboxes-from", "api", "--org-id", uuidOf(seed, "org"), "--month", "2026-10", "--out", out.path],
      { PODERO_CLIENT_ID: simulator.credentials.clientId, PODERO_CLIENT_SECRET: simulator.credentials.clientSecret },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")) as MonthlyReport;
    expect(report.complete).toBe(false);
    expect(report.wallboxCounts.failed).toBe(0);
    expect(report.coverage).toMatchObject({ usersNotListed: 1, notCovered: failing.numWallboxes });
    expect(report.wallboxes.some((wallbox) => wallbox.userId === failing.id)).toBe(false);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out.path, "hems-savings-2026-10.xlsx"));
    expect(workbook.getWorksheet("Summary")!.getRow(2).getCell(1).value).toMatch(
      new RegExp(
        `^INCOMPLETE: the wallboxes of 1 user could not be listed; Podero lists ${failing.numWallboxes} more for this org that this report does not cover\\.`,
      ),
    );
    const quality = workbook.getWorksheet("Data quality")!.getRow(2);
    expect(quality.getCell(2).value).toBe("Wallboxes not listed");
    expect(quality.getCell(7).value).toMatch(
      new RegExp(`^User ${failing.id} \\(customer number ${failing.externalUserId}\\): The user's wallboxes could not be listed \\(.*HTTP 500`),
    );
  });

  it("refuses a run that names its wallboxes twice, or does not say which org to list", async () => {
    const twice = await runCli(["--wallboxes-from", "api", "--config", "x.json", "--out", out.path]);
    expect([twice.code, twice.text]).toEqual([2, expect.stringContaining("--config and --wallboxes-from api name the wallboxes twice")]);
    const noOrg = await runCli(["--wallboxes-from", "api", "--api-url", "https://sandbox-app.podero.com", "--out", out.path]);
    expect([noOrg.code, noOrg.text]).toEqual([2, expect.stringContaining("--org-id is required with --wallboxes-from api and --api-url")]);
    expect(await out.files()).toEqual([]);
  });
});
