import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { financeEmail, groupDigits } from "@hems-reports/core/domain/email";
import { type Manifest, type MonthlyReport, manifestSchema } from "@hems-reports/core/domain/report";
import { type Simulator, startSimulator } from "@hems-reports/simulator";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { FULL_COVERAGE, ORG_ID, sessionItem, wallboxRef } from "../support/api.ts";
import { runCli, useCliFixture } from "../support/cli.ts";

// A fresh output folder for each test; the simulators a test starts are closed after it.
const { out, closeAfter } = useCliFixture();
let simulator: Simulator | undefined;

describe("the email finance receives (npm run report -- --email-out)", () => {
  const boxes = [wallboxRef("mail-1", "Garage"), wallboxRef("mail-2", "Carport <north>"), wallboxRef("mail-3")];
  const credentials = { PODERO_CLIENT_ID: "simulator-client", PODERO_CLIENT_SECRET: "s3cret-value-never-in-mail" };

  it("says what finance needs: the state in the subject, the totals, the caveats, the failed wallboxes, links to the files; nothing secret", async () => {
    simulator = closeAfter(
      await startSimulator({
        seed: "tests",
        clientSecret: credentials.PODERO_CLIENT_SECRET,
        onSessionsRequest: (request) => (request.wallboxId === boxes[2]!.wallboxId ? { status: 404 } : undefined),
      }),
    );
    simulator.setSessions(boxes[0]!.wallboxId, [sessionItem(1, { savings_eur: 1234.5 }), sessionItem(2, { ended_at: null, savings_eur: 0.25 })]);
    simulator.setSessions(boxes[1]!.wallboxId, [sessionItem(3, { has_complete_price_coverage: false })]);
    const config = join(out.path, "..", `${out.path.split("/").at(-1)}-wallboxes.json`);
    await writeFile(config, JSON.stringify({ orgId: ORG_ID, wallboxes: boxes }));
    const emailPath = join(out.path, "mail", "finance.eml");
    const run = await runCli(
      [
        ...["--api-url", simulator.url, "--config", config, "--month", "2026-10", "--out", out.path, "--quiet"],
        ...["--email-out", emailPath, "--email-to", "finance@acme.example, controller@acme.example", "--org-label", "Acme Energie GmbH"],
      ],
      credentials,
    );
    expect(run.code).toBe(1); // incomplete
    expect(run.result.at(-1)).toBe(`Wrote ${emailPath} (the email finance would receive)`);

    const raw = await readFile(emailPath);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe("Acme Energie GmbH: HEMS savings report 2026-10: INCOMPLETE (1 of 3 wallboxes failed)");
    expect(mail.to).toMatchObject({ value: [{ address: "finance@acme.example" }, { address: "controller@acme.example" }] });
    const report = JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")) as MonthlyReport;
    const text = mail.text!;
    expect(report.totals.savingsEur).toBe("1235.00");
    expect(text).toContain("Savings: 1,235.00 EUR");
    expect(text).toContain(`Energy from solar: ${report.totals.energyFromSolarKwh} kWh`);
    expect(text).toContain("State: INCOMPLETE: 1 of 3 wallboxes could not be read");
    // The caveats in words and in money: the savings of the sessions concerned.
    expect(text).toContain("1 session was still open when read: their 0.25 EUR of savings may still change.");
    expect(text).toContain("1 session had incomplete price coverage: their 0.25 EUR of savings may be understated.");
    expect(text).toMatch(new RegExp(`\\(wallbox ${boxes[2]!.wallboxId}\\): .*HTTP 404`));
    for (const name of ["hems-savings-2026-10.xlsx", "hems-savings-2026-10.json", "hems-sessions-2026-10.csv"]) {
      const url = pathToFileURL(join(out.path, name)).href;
      expect(text).toContain(url);
      expect(mail.html).toContain(`<a href="${url}">${name}</a>`);
    }
    // Labels are text in the HTML, never markup.
    expect(mail.html).not.toContain("<north>");
    for (const secret of [credentials.PODERO_CLIENT_SECRET, "Bearer", "sim_"]) expect(raw.toString()).not.toContain(secret);
  });

  it("writes nothing when the email's folder cannot take it, before reading anything", async () => {
    await writeFile(join(out.path, "taken"), "");
    const run = await runCli(["--out", join(out.path, "reports"), "--wallboxes", "2", "--quiet", "--email-out", join(out.path, "taken", "mail.eml")]);
    expect(run.code).toBe(2);
    expect(run.text).toMatch(/cannot write the report to .*taken: a file is in the way/);
    expect(await out.files()).toEqual(["taken"]);
  });
});

describe("composing the email", () => {
  const manifest = (fields: Partial<Manifest> = {}): Manifest =>
    manifestSchema.parse({
      schemaVersion: 1,
      runId: "00000000-0000-4000-8000-000000000002",
      orgId: ORG_ID,
      month: "2026-10",
      scope: "all",
      generatedAt: "2026-11-03T05:00:00.000Z",
      complete: false,
      totals: { wallboxes: 1204, failedWallboxes: 60, sessions: 45_000, savingsEur: "1750.09", energyFromSolarKwh: "12345.678" },
      files: {
        xlsx: { name: "hems-savings-2026-10.xlsx", key: "k/x", contentType: "x", bytes: 1_500_000, sha256: "a".repeat(64) },
        json: { name: "hems-savings-2026-10.json", key: "k/j", contentType: "j", bytes: 2_000, sha256: "b".repeat(64) },
        csv: [],
      },
      ...fields,
    });
  const head = {
    month: "2026-10",
    timezone: "Europe/Vienna",
    window: { start: "2026-10-01T00:00:00+02:00", end: "2026-11-01T00:00:00+01:00" },
    totals: { openSessions: 0, sessionsWithIncompletePriceCoverage: 0, sessionsWithoutSavings: 0, sessionsOutsideMonth: 0 },
    caveats: { openSessionsSavingsEur: "0.00", incompletePriceCoverageSavingsEur: "0.00" },
    coverage: FULL_COVERAGE,
  } as unknown as MonthlyReport;

  it("lists the first 50 failed wallboxes and counts the rest; says when there are no caveats; states what a rerun changed, exactly", () => {
    const failed = Array.from({ length: 50 }, (_, index) => ({ label: null, wallboxId: `w-${index}`, error: "not read: HTTP 503" }));
    const email = financeEmail({
      manifest: manifest(),
      report: head,
      failedWallboxes: failed,
      files: [
        {
          name: "hems-savings-2026-10.xlsx",
          bytes: 1_500_000,
          sha256: "a".repeat(64),
          url: "https://files.example/x?Expires=1&Signature=s",
          location: "k/x",
        },
      ],
      linksExpireAt: "2026-11-11T05:00:00.000Z",
      replaced: {
        runId: "00000000-0000-4000-8000-000000000001",
        generatedAt: "2026-11-01T05:00:00.000Z",
        complete: false,
        totals: { wallboxes: 1204, failedWallboxes: 61, sessions: 44_990, savingsEur: "1750.1", energyFromSolarKwh: "12345.678" },
      },
    });
    expect(email.subject).toBe(`${ORG_ID}: HEMS savings report 2026-10: INCOMPLETE (60 of 1,204 wallboxes failed) (replaces an earlier report)`);
    expect(email.text).toContain("… and 10 more wallboxes: the workbook's Data quality sheet lists them all.");
    expect(email.text).toContain("None: every session was closed");
    expect(email.text).toContain("Month: 2026-10 in Europe/Vienna, from 2026-10-01T00:00:00+02:00 up to, not including, 2026-11-01T00:00:00+01:00");
    expect(email.text).toContain("Savings: 1,750.1 → 1,750.09 EUR (-0.01)");
    expect(email.text).toContain("Energy from solar: 12,345.678 → 12,345.678 kWh (±0.000)");
    expect(email.text).toContain("Files (the links work until 2026-11-11T05:00:00.000Z)");
    expect(email.text).toContain("hems-savings-2026-10.xlsx (1.5 MB, SHA-256 aaaa");
    expect(email.text).toContain("hems-savings-2026-10.json (2 kB, SHA-256 bbbb");
    expect(email.text).toContain("at k/j");
    expect(email.html).toContain('<a href="https://files.example/x?Expires=1&#38;Signature=s">hems-savings-2026-10.xlsx</a>');
  });

  it("opens with what finance should do, and closes the totals with last month's change and the VAT statement", () => {
    const september = {
      month: "2026-09",
      complete: true,
      wallboxes: 1204,
      failedWallboxes: 0,
      sessions: 44_000,
      savingsEur: "1700.00",
      energyFromSolarKwh: "12000.000",
    };
    const base = { report: head, failedWallboxes: [], files: [], previousMonth: september };
    const complete = financeEmail({ ...base, manifest: manifest({ complete: true, totals: { ...manifest().totals, failedWallboxes: 0 } }) });
    expect(complete.text.startsWith("What to do\n  Nothing to do: the report is complete.\n")).toBe(true);
    expect(complete.text).toContain("Savings: 1,750.09 EUR; September 2026: 1,700.00 EUR, change +50.09 EUR (+2.9 %)");
    expect(complete.text).toContain("Energy from solar: 12,345.678 kWh; September 2026: 12,000.000 kWh, change +345.678 kWh (+2.9 %)");
    expect(complete.text).toContain("Sessions: 45,000; September 2026: 44,000, change +1,000 (+2.3 %)");
    expect(complete.text).toContain("the API does not say whether they include VAT, so neither can this report.");
    const incomplete = financeEmail({ ...base, manifest: manifest() });
    expect(incomplete.text).toContain(
      "What to do\n  Do not book this report as final: it is INCOMPLETE, 60 of 1,204 wallboxes could not be read (listed below). A rerun, or the catch-up run",
    );
    // A complete report of a config that lags the org: never "nothing to do".
    const lagging = financeEmail({
      ...base,
      report: { ...head, coverage: { ...FULL_COVERAGE, declaredWallboxes: 1228, notCovered: 24 } },
      manifest: manifest({ complete: true, totals: { ...manifest().totals, failedWallboxes: 0 } }),
    });
    expect(lagging.subject).toMatch(/: complete for 1,204 wallboxes, not the whole org$/);
    expect(lagging.text).toContain(
      "What to do\n  Check the wallbox list before booking: the report is complete for its 1,204 wallboxes, but Podero lists 24 more for this org that this report does not cover.",
    );
    expect(lagging.text).toContain(
      "State: COMPLETE for the 1,204 configured wallboxes; Podero lists 24 more for this org that this report does not cover.",
    );
    // Without an earlier report, the totals stand alone.
    expect(financeEmail({ ...base, previousMonth: undefined, manifest: manifest() }).text).toContain("Savings: 1,750.09 EUR\n");
  });

  it("groups digits without touching the decimals", () => {
    expect(["0.10", "1234", "-1234567.891", "12", "x"].map(groupDigits)).toEqual(["0.10", "1,234", "-1,234,567.891", "12", "x"]);
  });
});
