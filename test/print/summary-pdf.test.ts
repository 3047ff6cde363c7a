import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { groupDigits } from "@hems-reports/core/domain/money";
import type { MonthlyReport } from "@hems-reports/core/domain/report";
import { describe, expect, it } from "vitest";
import { runCli, useCliFixture } from "../support/cli.ts";
import { pdfPages, which } from "../support/libreoffice.ts";

/**
 * The one-page PDF summary, read back as a reader's PDF viewer would give its text (pdftotext):
 * its figures are the JSON report's, last month's and the change beside them. CI installs
 * poppler-utils (.ci/run); on a machine without it this says so and skips.
 */
const pdftotext = await which("pdftotext");
if (!pdftotext) console.warn("poppler-utils (pdftotext) is not installed: the PDF summary checks are skipped here; CI runs them.");
const { out } = useCliFixture();

const readReport = async (month: string) => JSON.parse(await readFile(join(out.path, `hems-savings-${month}.json`), "utf8")) as MonthlyReport;

describe("the one-page PDF summary", () => {
  it.runIf(pdftotext || process.env.CI)("states the JSON's figures, last month's beside them and the change, on one page", async () => {
    expect((await runCli(["--out", out.path, "--wallboxes", "6", "--month", "2026-09", "--quiet", "--org-label", "Acme Energie GmbH"])).code).toBe(0);
    expect((await runCli(["--out", out.path, "--wallboxes", "6", "--month", "2026-10", "--quiet", "--org-label", "Acme Energie GmbH"])).code).toBe(0);
    const [september, october] = [await readReport("2026-09"), await readReport("2026-10")];
    const pages = await pdfPages(join(out.path, "hems-savings-2026-10-summary.pdf"));
    expect(pages).toHaveLength(1);
    const text = pages[0]!.replace(/[ \t]+/g, " ");
    expect(text).toContain("Acme Energie GmbH: HEMS savings report, October 2026");
    // The demo config lags its org by one wallbox: never a plain COMPLETE.
    expect(text.replace(/\s+/g, " ")).toContain(
      "COMPLETE for the 6 configured wallboxes; Podero lists 1 more for this org that this report does not cover.",
    );
    expect(text).toContain("This month September 2026 Change");
    const sign = (current: string, before: string, places: number) => {
      const cents = Math.round(Number(current) * 10 ** places) - Math.round(Number(before) * 10 ** places);
      return `${cents > 0 ? "+" : cents < 0 ? "-" : "±"}${groupDigits((Math.abs(cents) / 10 ** places).toFixed(places))}`;
    };
    const { totals } = october;
    expect(text).toContain(
      `Savings ${groupDigits(totals.savingsEur)} EUR ${groupDigits(september.totals.savingsEur)} EUR ${sign(totals.savingsEur, september.totals.savingsEur, 2)} EUR`,
    );
    expect(text).toContain(
      `Energy from solar ${groupDigits(totals.energyFromSolarKwh)} kWh ${groupDigits(september.totals.energyFromSolarKwh)} kWh ${sign(totals.energyFromSolarKwh, september.totals.energyFromSolarKwh, 3)} kWh`,
    );
    expect(text).toContain(`Sessions ${groupDigits(String(totals.sessions))} ${groupDigits(String(september.totals.sessions))}`);
    expect(text).toContain("Wallboxes read 6 of 6");
    expect(text).toMatch(new RegExp(`Charged from solar ${totals.outcomes.charged_from_solar} \\d+\\.\\d %`));
    expect(text).toMatch(new RegExp(`Outcome unknown ${totals.outcomes.unknown} \\d+\\.\\d %`));
    expect(text).toContain("Savings and energy from solar by month");
    expect(text).toContain("they include VAT, so neither can this report");
  });
});
