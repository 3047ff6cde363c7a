import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type MonthlyReport, monthlyReportSchema } from "@hems-reports/core/domain/report";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { HELP } from "../../packages/cli/src/options.ts";
import { ORG_ID, sessionItem, sessionItems, wallboxRef } from "../support/api.ts";
import { runCli, temporaryFolder, useCliFixture } from "../support/cli.ts";

// A fresh output folder for each test; the simulators a test starts are closed after it.
const { out, closeAfter } = useCliFixture();
let simulator: Simulator | undefined;

const readReport = async (folder: string, month = "2026-10"): Promise<MonthlyReport> =>
  monthlyReportSchema.parse(JSON.parse(await readFile(join(folder, `hems-savings-${month}.json`), "utf8")));

async function readWorkbook(folder: string, month = "2026-10") {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(folder, `hems-savings-${month}.xlsx`));
  return workbook;
}

/** The Summary sheet as label → cell value. */
function summaryOf(workbook: ExcelJS.Workbook): Map<string, ExcelJS.CellValue> {
  const summary = new Map<string, ExcelJS.CellValue>();
  workbook.getWorksheet("Summary")!.eachRow((row) => {
    const label = row.getCell(1).value;
    if (typeof label === "string") summary.set(label, row.getCell(2).value);
  });
  return summary;
}

const formulaResult = (value: ExcelJS.CellValue) => (value as ExcelJS.CellFormulaValue).result;

describe("npm run report with the built-in simulator", () => {
  it("writes a complete workbook and JSON report for the previous month, with progress and a closing summary", async () => {
    const run = await runCli(["--out", out.path, "--wallboxes", "6"]);
    expect(run.code).toBe(0);
    expect(await out.files()).toEqual([
      "hems-savings-2026-10-summary.pdf",
      "hems-savings-2026-10.json",
      "hems-savings-2026-10.xlsx",
      "hems-savings-report.v4.schema.json",
      "hems-sessions-2026-10.csv",
    ]);
    expect(run.info.filter((line) => /^\[\d\/6\] ok /.test(line))).toHaveLength(6);
    expect(run.info.filter((line) => line.startsWith("Writing "))).toEqual([
      "Writing hems-sessions-2026-10.csv…",
      "Writing hems-savings-2026-10.xlsx…",
      "Writing hems-savings-2026-10.json…",
      "Writing hems-savings-report.v4.schema.json…",
      "Writing hems-savings-2026-10-summary.pdf…",
    ]);
    expect(run.result[0]).toMatch(/^Complete report for 2026-10: 6 of 6 wallboxes read, \d+ sessions, savings \d+\.\d{2} EUR/);
    expect(run.result.slice(1)).toEqual([
      // The demo config lags its org, as a maintained config does: user 4's second wallbox is not in it.
      "COMPLETE for the 6 configured wallboxes; Podero lists 1 more for this org that this report does not cover. The workbook's Data quality sheet lists the users concerned.",
      `Wrote ${join(out.path, "hems-savings-2026-10.xlsx")}`,
      `Wrote ${join(out.path, "hems-savings-2026-10.json")}`,
      `Wrote ${join(out.path, "hems-savings-2026-10-summary.pdf")} (the one-page summary)`,
      `Wrote ${join(out.path, "hems-sessions-2026-10.csv")}`,
      `Wrote ${join(out.path, "hems-savings-report.v4.schema.json")} (the JSON report's contract)`,
    ]);

    const report = await readReport(out.path);
    expect(report).toMatchObject({
      schemaVersion: 4,
      month: "2026-10",
      timezone: "UTC",
      window: { start: "2026-10-01T00:00:00Z", end: "2026-11-01T00:00:00Z" },
      apiQuery: { from: "2026-10-01", to: "2026-10-31" },
      currency: "EUR",
      complete: true,
    });
    expect(report.generatedAt).toBe("2026-11-25T06:00:00.000Z");
    expect(report.totals.sessions).toBeGreaterThan(0);
    const ok = report.wallboxes.flatMap((wallbox) => (wallbox.status === "ok" ? [wallbox] : []));
    expect(ok).toHaveLength(6);
    expect(ok.reduce((total, wallbox) => total + wallbox.sessions, 0)).toBe(report.totals.sessions);
    const cents = ok.reduce((total, wallbox) => total + BigInt(wallbox.savingsEur.replace(".", "")), 0n);
    expect(cents.toString()).toBe(report.totals.savingsEur.replace(".", "").replace(/^0+(?=\d)/, ""));
    expect(Object.values(report.totals.outcomes).reduce((a, b) => a + b, 0)).toBe(report.totals.sessions);
  });

  it("gives byte-identical JSON for the same input", async () => {
    const second = await temporaryFolder();
    try {
      expect((await runCli(["--out", out.path, "--seed", "repeat", "--quiet"])).code).toBe(0);
      expect((await runCli(["--out", second.path, "--seed", "repeat", "--quiet", "--concurrency", "3"])).code).toBe(0);
      const [a, b] = await Promise.all([out.path, second.path].map((folder) => readFile(join(folder, "hems-savings-2026-10.json"))));
      expect(a!.equals(b!)).toBe(true);
    } finally {
      await second.remove();
    }
  });

  it("writes a workbook whose sheets and cached totals match the JSON", async () => {
    expect((await runCli(["--out", out.path, "--wallboxes", "5", "--month", "2024-02", "--quiet"])).code).toBe(0);
    const report = await readReport(out.path, "2024-02");
    const workbook = await readWorkbook(out.path, "2024-02");
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      "Summary",
      "Wallboxes",
      "Users",
      "By model",
      "Trend",
      "Sessions",
      "Data quality",
      "About",
    ]);
    // One row per user, whose figures are the sums of its wallboxes' (which are the JSON's).
    const users = workbook.getWorksheet("Users")!;
    const userIds = [...new Set(report.wallboxes.map((wallbox) => wallbox.userId))];
    // The header, a row a user, and the totals row (after a blank one).
    expect(users.actualRowCount).toBe(1 + userIds.length + 1);
    const usersSavingsColumn = (users.getRow(1).values as ExcelJS.CellValue[]).indexOf("Savings (EUR)");
    const perUser = userIds.map((userId) =>
      report.wallboxes
        .filter((wallbox) => wallbox.userId === userId && wallbox.status === "ok")
        .reduce((cents, wallbox) => cents + Math.round(Number(wallbox.status === "ok" ? wallbox.savingsEur : 0) * 100), 0),
    );
    expect(userIds.map((_, index) => Math.round(Number(users.getRow(index + 2).getCell(usersSavingsColumn).value) * 100))).toEqual(perUser);

    const summary = summaryOf(workbook);
    expect(formulaResult(summary.get("Savings (EUR)")!)).toBe(Number(report.totals.savingsEur));
    expect(formulaResult(summary.get("Energy from solar (kWh)")!)).toBe(Number(report.totals.energyFromSolarKwh));
    expect(formulaResult(summary.get("Sessions")!)).toBe(report.totals.sessions);
    expect(formulaResult(summary.get("Outcome unknown")!)).toBe(report.totals.outcomes.unknown);
    expect(workbook.getWorksheet("Summary")!.getCell("A3").value).toBe(
      "2024-02 in UTC: from 2024-02-01T00:00:00Z up to, not including, 2024-03-01T00:00:00Z. The Partner API was asked for the UTC days 2024-02-01 to 2024-02-29, inclusive.",
    );

    const wallboxes = workbook.getWorksheet("Wallboxes")!;
    expect(wallboxes.actualRowCount).toBe(1 + report.wallboxes.length + 1);
    const savingsColumn = (wallboxes.getRow(1).values as ExcelJS.CellValue[]).indexOf("Savings (EUR)");
    const totalRow = wallboxes.getRow(report.wallboxes.length + 3);
    expect(totalRow.getCell(1).value).toBe("Total");
    expect(formulaResult(totalRow.getCell(savingsColumn).value)).toBe(Number(report.totals.savingsEur));
    const letter = String.fromCharCode(64 + savingsColumn);
    expect((summary.get("Savings (EUR)") as ExcelJS.CellFormulaValue).formula).toBe(`SUM(Wallboxes!${letter}2:${letter}6)`);
    const rowSavings = report.wallboxes.map((_, index) => wallboxes.getRow(index + 2).getCell(savingsColumn).value);
    expect(rowSavings).toEqual(report.wallboxes.map((wallbox) => (wallbox.status === "ok" ? Number(wallbox.savingsEur) : null)));
    expect(wallboxes.getRow(2).getCell(savingsColumn).numFmt).toBe('#,##0.00 "EUR";-#,##0.00 "EUR"');
    expect(wallboxes.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });

    expect(workbook.getWorksheet("Sessions")!.actualRowCount).toBe(1 + report.totals.sessions);
    const about = workbook.getWorksheet("About")!;
    const aboutText = about.getSheetValues().flat().join(" ");
    expect(aboutText).toContain(report.rules.rounding);
    expect(aboutText).toContain("2024-02-01 to 2024-02-29");
  });

  it("takes the month in --timezone: Vienna's October (the clocks go back on the 25th) from the API's UTC days around it", async () => {
    const run = await runCli(["--out", out.path, "--wallboxes", "6", "--timezone", "Europe/Vienna"]);
    expect(run.code).toBe(0);
    expect(run.text).toContain("Reading 6 wallboxes for 2026-10 in Europe/Vienna (the API's UTC days 2026-09-30 to 2026-10-31), 8 at a time");
    const report = await readReport(out.path);
    expect(report).toMatchObject({
      timezone: "Europe/Vienna",
      window: { start: "2026-10-01T00:00:00+02:00", end: "2026-11-01T00:00:00+01:00" },
      apiQuery: { from: "2026-09-30", to: "2026-10-31" },
    });
    expect(report.rules.periodMembership).toContain(
      "2026-10 runs from 2026-10-01 00:00 (2026-09-30T22:00:00Z) up to, not including, 2026-11-01 00:00 (2026-10-31T23:00:00Z)",
    );
    // The simulator spreads sessions over the whole day: most of 30 September (UTC) is still September in Vienna.
    const outside = report.totals.sessionsOutsideMonth;
    expect(outside).toBeGreaterThan(0);
    expect(run.text).toContain(`${outside} sessions the API returned started in a neighbouring month: not counted (Data quality lists them).`);
    const quality = (await readWorkbook(out.path)).getWorksheet("Data quality")!;
    // Columns: started at, kind, wallbox label, wallbox ID, session ID, EUR at stake, detail.
    const listed = (quality.getSheetValues() as ExcelJS.CellValue[][]).filter((row) => row?.[2] === "Not in this month");
    expect(listed).toHaveLength(outside);
    for (const row of listed)
      expect(String(row[7])).toMatch(
        /^started \S+ \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} Europe\/Vienna\), so it belongs to 2026-(09|11): not counted in 2026-10/,
      );
    // The UTC run of the same data counts other sessions: the months differ by where they begin and end.
    const utc = await temporaryFolder();
    try {
      expect((await runCli(["--out", utc.path, "--wallboxes", "6", "--quiet"])).code).toBe(0);
      const utcReport = await readReport(utc.path);
      expect(utcReport.totals.sessionsOutsideMonth).toBe(0);
      expect(utcReport.totals.sessions).not.toBe(report.totals.sessions);
    } finally {
      await utc.remove();
    }
  });

  it("compares with the previous month's report found in the same folder, and lists the months on the Trend sheet", async () => {
    expect((await runCli(["--out", out.path, "--wallboxes", "6", "--month", "2026-09", "--quiet"])).code).toBe(0);
    expect((await runCli(["--out", out.path, "--wallboxes", "6", "--quiet"])).code).toBe(0);
    const [september, october] = [await readReport(out.path, "2026-09"), await readReport(out.path)];
    const sheet = (await readWorkbook(out.path)).getWorksheet("Summary")!;
    const grouped = (text: string) => text.replace(/\B(?=(\d{3})+(?!\d))(?=[\d]*(\.|$))/g, ",");
    // The headline beside last month's figure and the exact change.
    expect((sheet.getRow(5).values as ExcelJS.CellValue[]).slice(1, 5)).toEqual(["Headline", "October 2026", "September 2026", "Change"]);
    const savings = sheet.getRow(6).values as ExcelJS.CellValue[];
    expect(savings[1]).toBe("Savings (EUR)");
    expect(savings[3]).toBe(Number(september.totals.savingsEur));
    const change = (Math.round(Number(october.totals.savingsEur) * 100) - Math.round(Number(september.totals.savingsEur) * 100)) / 100;
    expect(savings[4]).toMatch(
      new RegExp(
        `^${change > 0 ? "\\+" : change < 0 ? "-" : "±"}${grouped(Math.abs(change).toFixed(2)).replace(".", "\\.")} EUR \\([+±-]\\d+\\.\\d %\\)$`,
      ),
    );
    const sessions = sheet.getRow(8).values as ExcelJS.CellValue[];
    expect(sessions.slice(1, 4)).toEqual(["Sessions", expect.objectContaining({ result: october.totals.sessions }), september.totals.sessions]);
    expect((sheet.getRow(9).values as ExcelJS.CellValue[]).slice(1, 5)).toEqual([
      "Wallboxes read",
      expect.objectContaining({ result: 6 }),
      6,
      "±0 (±0.0 %)",
    ]);
    const trend = (await readWorkbook(out.path)).getWorksheet("Trend")!;
    expect(
      trend
        .getSheetValues()
        .slice(2)
        .map((row) => (row as ExcelJS.CellValue[]).slice(1, 8)),
    ).toEqual([
      // Earlier months' wallbox counts come from their JSON heads (schemaVersion 3).
      ["2026-09", "yes", 6, 0, september.totals.sessions, Number(september.totals.energyFromSolarKwh), Number(september.totals.savingsEur)],
      ["2026-10", "yes", 6, 0, october.totals.sessions, Number(october.totals.energyFromSolarKwh), Number(october.totals.savingsEur)],
    ]);
  });

  it("stops cleanly on Ctrl+C: no report and no temporary file is left", async () => {
    const interrupt = new AbortController();
    const run = await runCli(
      ["--out", out.path, "--wallboxes", "40", "--concurrency", "1"],
      {},
      {
        interrupt: interrupt.signal,
        onInfo: (line) => {
          if (line.startsWith("[ 3/40]")) interrupt.abort();
        },
      },
    );
    expect(run.code).toBe(130);
    expect(run.info.at(-1)).toBe("hems-reports: interrupted (Ctrl+C). No report was written.");
    expect(run.info.filter((line) => / ok /.test(line)).length).toBeLessThan(40);
    expect(await out.files()).toEqual([]);
  });

  it("keeps a report whose files were complete when Ctrl+C came, says so and exits with the report's status", async () => {
    const interrupt = new AbortController();
    const run = await runCli(
      ["--out", out.path, "--wallboxes", "3"],
      {},
      {
        interrupt: interrupt.signal,
        onResult: (line) => {
          if (line.startsWith("Complete report")) interrupt.abort("SIGINT");
        },
      },
    );
    expect(run.code).toBe(0);
    expect(run.info.at(-1)).toBe("hems-reports: interrupted (Ctrl+C) after the report files were complete: they were written in full.");
    expect(await out.files()).toEqual([
      "hems-savings-2026-10-summary.pdf",
      "hems-savings-2026-10.json",
      "hems-savings-2026-10.xlsx",
      "hems-savings-report.v4.schema.json",
      "hems-sessions-2026-10.csv",
    ]);
  });

  it("documents every option and the environment in --help", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.result.join("\n")).toBe(HELP);
    for (const option of [
      "--month",
      "--api-url",
      "--token-url",
      "--config",
      "--out",
      "--concurrency",
      "--request-timeout",
      "--max-retry-wait",
      "--max-workbook-sessions",
      "--seed",
      "--wallboxes",
      "--quiet",
      "--help",
    ]) {
      expect(HELP).toContain(option);
    }
    expect(HELP).toMatch(/PODERO_API_TOKEN[\s\S]*PODERO_CLIENT_ID[\s\S]*PODERO_CLIENT_SECRET/);
  });

  it.each([
    [["--month", "2026-13"], /month "2026-13" has no month 13/],
    [["--month", "2026-11"], /month 2026-11 has not ended yet/],
    [["--concurrency", "0"], /--concurrency must be from 1 to 64/],
    [["--max-retry-wait", "soon"], /--max-retry-wait must be a whole number/],
    [["--api-url", "https://example.test"], /--config is required with --api-url/],
    [["--colour"], /Unknown option '--colour'/],
    [["--timezone", "Europe/Vienn"], /--timezone "Europe\/Vienn" is not an IANA timezone/],
    [["--timezone", "America/New_York", "--month", "2026-11"], /month 2026-11 has not ended yet in America\/New_York/],
    [["--api-url", "https://partner:hunter2@api.example.test", "--config", "x.json"], /--api-url must not carry a user name or password/],
  ])("stops on bad options %j with a one-line reason and writes nothing", async (argv, message) => {
    const run = await runCli([...argv, "--out", out.path]);
    expect(run.code).toBe(2);
    expect(run.text).toMatch(message);
    expect(run.text).toContain("No report was written.");
    expect(run.text).not.toMatch(/\n\s+at /);
    expect(run.text).not.toContain("hunter2");
    expect(await out.files()).toEqual([]);
  });
});

describe("npm run report against a Partner API (--api-url)", () => {
  const boxes = [wallboxRef("one", "Garage"), wallboxRef("two", "Carport"), wallboxRef("three")];
  const credentials = { PODERO_CLIENT_ID: "simulator-client", PODERO_CLIENT_SECRET: "s3cret-value-never-printed" };

  async function configFile(config: unknown = { orgId: ORG_ID, wallboxes: boxes }) {
    const path = join(out.path, "..", `${out.path.split("/").at(-1)}-wallboxes.json`);
    await writeFile(path, JSON.stringify(config));
    return path;
  }

  it("still reports a config when the org's users list cannot be read, saying its coverage could not be checked", async () => {
    for (const [status, reason] of [
      [404, /answered HTTP 404 to GET .*\/users: the users cannot be listed/],
      [403, /refused the credentials \(HTTP 403 to GET .*\/users\): they may not list the users/],
    ] as const) {
      simulator = closeAfter(
        await startSimulator({ seed: "tests", clientSecret: credentials.PODERO_CLIENT_SECRET, onUsersRequest: () => ({ status }) }),
      );
      const folder = join(out.path, String(status));
      const run = await runCli(
        ["--api-url", simulator.url, "--config", await configFile(), "--out", folder, "--month", "2026-10", "--quiet"],
        credentials,
      );
      expect(run.code).toBe(0);
      const report = await readReport(folder);
      expect(report.complete).toBe(true);
      expect(report.coverage).toMatchObject({ notCheckedBecause: expect.stringMatching(reason), declaredWallboxes: null, gaps: 0 });
      expect(run.result[1]).toMatch(/^COMPLETE for the 3 configured wallboxes; whether Podero lists more for this org could not be checked \(/);
    }
  });

  it("reads a JSON Lines config (.jsonl) and reports the same as from JSON; a bad line is named", async () => {
    simulator = closeAfter(await startSimulator({ seed: "tests", clientSecret: credentials.PODERO_CLIENT_SECRET }));
    const api = ["--api-url", simulator.url, "--month", "2026-10", "--quiet"];
    const json = await runCli([...api, "--config", await configFile(), "--out", join(out.path, "json")], credentials);
    const path = join(out.path, "..", `${out.path.split("/").at(-1)}-wallboxes.jsonl`);
    await writeFile(path, `${[{ orgId: ORG_ID }, ...boxes].map((line) => JSON.stringify(line)).join("\n")}\n`);
    const lines = await runCli([...api, "--config", path, "--out", join(out.path, "jsonl")], credentials);
    expect([json.code, lines.code]).toEqual([0, 0]);
    const strip = (text: string) => text.replace(/"generatedAt": "[^"]+"/, "");
    const read = (folder: string) => readFile(join(out.path, folder, "hems-savings-2026-10.json"), "utf8").then(strip);
    expect(await read("jsonl")).toBe(await read("json"));
    await writeFile(path, `${JSON.stringify({ orgId: ORG_ID })}\n${JSON.stringify({ ...boxes[0], wallboxId: "nope" })}\n`);
    const bad = await runCli([...api, "--config", path, "--out", join(out.path, "bad")], credentials);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain(`invalid wallbox config ${path}: line 2 (a wallbox): wallboxId: invalid uuid`);
  });

  it("writes an INCOMPLETE report naming a wallbox that kept failing, and exits 1", async () => {
    simulator = closeAfter(
      await startSimulator({
        seed: "tests",
        clientSecret: credentials.PODERO_CLIENT_SECRET,
        onSessionsRequest: (request) => (request.wallboxId === boxes[1]!.wallboxId ? { status: 502 } : undefined),
      }),
    );
    simulator.setSessions(boxes[0]!.wallboxId, [sessionItem(1, { savings_eur: 1.005 }), sessionItem(2, { savings_eur: 2.675 })]);
    simulator.setSessions(boxes[2]!.wallboxId, sessionItems(250));
    const run = await runCli(
      ["--api-url", `${simulator.url}/api/partners/v2.0/`, "--config", await configFile(), "--out", out.path, "--month", "2026-10"],
      credentials,
    );

    expect(run.code).toBe(1);
    expect(run.text).toMatch(/FAILED Carport \(.*\): sessions page at offset 0: HTTP 502 after 5 attempts/);
    expect(run.result[0]).toMatch(/^INCOMPLETE report for 2026-10: 2 of 3 wallboxes read \(1 FAILED, listed in the report\), 252 sessions/);
    const report = await readReport(out.path);
    expect(report.complete).toBe(false);
    expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "failed", "ok"]);
    expect(report.wallboxes[1]).toEqual({
      ...boxes[1],
      externalUserId: null,
      externalDeviceId: null,
      manufacturer: null,
      model: null,
      status: "failed",
      error: "sessions page at offset 0: HTTP 502 after 5 attempts",
    });
    expect(report.wallboxes[0]).toMatchObject({ status: "ok", savingsEur: "3.68", sessions: 2 });
    expect(report.totals.savingsEur).toBe("66.18");

    const workbook = await readWorkbook(out.path);
    const banner = workbook.getWorksheet("Summary")!.getRow(2).getCell(1).value;
    expect(banner).toMatch(/^INCOMPLETE: 1 of 3 wallboxes could not be read/);
    const quality = workbook.getWorksheet("Data quality")!.getRow(2).values as ExcelJS.CellValue[];
    expect(quality).toContain("Wallbox failed");
    expect(quality).toContain(boxes[1]!.wallboxId);
    expect(run.text).not.toContain(credentials.PODERO_CLIENT_SECRET);
  });

  it("uses PODERO_API_TOKEN as a bearer token and never prints it", async () => {
    simulator = closeAfter(await startSimulator({ seed: "tests" }));
    const token = simulator.issueToken();
    const run = await runCli(["--api-url", simulator.url, "--config", await configFile(), "--out", out.path, "--month", "2026-09"], {
      PODERO_API_TOKEN: token,
    });
    expect(run.code).toBe(0);
    expect(run.text).not.toContain(token);
    const files = await Promise.all((await out.files()).map((name) => readFile(join(out.path, name))));
    expect(files.some((file) => file.includes(token))).toBe(false);
  });

  it.each([
    [
      "a wrong client secret",
      { PODERO_CLIENT_ID: "simulator-client", PODERO_CLIENT_SECRET: "wrong-secret-value" },
      /refused the client credentials \(HTTP 401\)/,
    ],
    ["an expired token", { PODERO_API_TOKEN: "sim_expired_token_value" }, /refused PODERO_API_TOKEN \(HTTP 401\)/],
    ["no credentials", {}, /no API credentials: set PODERO_API_TOKEN/],
  ])("stops before writing anything on %s", async (_name, env, message) => {
    simulator = closeAfter(await startSimulator({ seed: "tests" }));
    const run = await runCli(["--api-url", simulator.url, "--config", await configFile(), "--out", out.path], env);
    expect(run.code).toBe(2);
    expect(run.text).toMatch(message);
    expect(run.text).not.toMatch(/\n\s+at /);
    for (const value of Object.values(env)) expect(run.text).not.toContain(value);
    expect(await out.files()).toEqual([]);
  });

  it("stops on a bad config before any request, naming the field", async () => {
    simulator = closeAfter(await startSimulator({ seed: "tests" }));
    const config = { orgId: ORG_ID, wallboxes: [...boxes, boxes[0]!, { userId: boxes[0]!.userId, wallboxId: "garage-1" }] };
    const run = await runCli(["--api-url", simulator.url, "--config", await configFile(config), "--out", out.path], credentials);
    expect(run.code).toBe(2);
    expect(run.text).toMatch(/wallboxes\[3\]\.wallboxId: wallbox .* is listed twice \(also at wallboxes\[0\]\)/);
    expect(run.text).toMatch(/wallboxes\[4\]\.wallboxId: invalid uuid/);
    expect(boxes.map((wallbox) => simulator!.requestsFor(wallbox.wallboxId))).toEqual([0, 0, 0]);
    expect(await out.files()).toEqual([]);
  });
});
