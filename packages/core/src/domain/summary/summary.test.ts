import { describe, expect, it } from "vitest";
import { parseExactJson } from "../../shared/exact-json/index.ts";
import { parseMonth } from "../month/index.ts";
import { apiSessionPageSchema, type Session } from "../sessions/index.ts";
import { sumFigures, summarizeSessions, summarizeWallbox } from "./index.ts";

const october = parseMonth("2026-10", new Date("2026-11-25T00:00:00Z"));

/** Sessions as the API would send them: the literals go through the same exact JSON parsing. */
function sessionsFromJson(items: Array<Record<string, string>>): Session[] {
  const json = items.map((fields, index) => {
    const item = {
      id: String(index + 1),
      ocpp_transaction_id: "null",
      started_at: '"2026-10-05T08:00:00Z"',
      ended_at: '"2026-10-05T10:00:00Z"',
      final_hems_state: '"finished"',
      outcome: '"charged_from_solar"',
      energy_from_solar_kwh: "1",
      savings_eur: "0",
      has_complete_price_coverage: "true",
      commands_sent: "2",
      commands_applied: "1",
      commands_ineffective: "0",
      ...fields,
    };
    return `{${Object.entries(item)
      .map(([key, value]) => `"${key}":${value}`)
      .join(",")}}`;
  });
  return apiSessionPageSchema.parse(parseExactJson(`{"total":${items.length},"items":[${json.join(",")}]}`)).items;
}

const savings = (...literals: string[]) => sessionsFromJson(literals.map((literal) => ({ savings_eur: literal })));

describe("wallbox summary", () => {
  it("rounds the exact JSON literal, once", () => {
    expect(summarizeWallbox(savings("1.005"), october).savingsEur).toBe("1.01");
    expect(summarizeWallbox(savings("2.675"), october).savingsEur).toBe("2.68");
    expect(summarizeWallbox(savings("-0.005"), october).savingsEur).toBe("-0.01");
    expect(summarizeWallbox(savings(...Array<string>(1000).fill("0.004")), october).savingsEur).toBe("4.00");
    const tenthsAndFifths = Array.from({ length: 999 }, (_, index) => (index % 3 === 2 ? "0.2" : "0.1"));
    expect(summarizeWallbox(savings(...tenthsAndFifths), october).savingsEur).toBe("133.20");
  });

  it("sums energy to the Wh and treats nulls as data-quality findings, not zeros in disguise", () => {
    const sessions = sessionsFromJson([
      { energy_from_solar_kwh: "0.0005", savings_eur: "null" },
      { energy_from_solar_kwh: "0.0004", has_complete_price_coverage: "false" },
      { energy_from_solar_kwh: "null", has_complete_price_coverage: "null", ended_at: "null", outcome: '"paused_by_user"' },
      { outcome: "null" },
    ]);
    const figures = summarizeWallbox(sessions, october);
    expect(figures).toMatchObject({
      sessions: 4,
      energyFromSolarKwh: "1.001",
      savingsEur: "0.00",
      sessionsWithoutSavings: 1,
      sessionsWithIncompletePriceCoverage: 2,
      openSessions: 1,
      sessionsOutsideMonth: 0,
      commandsSent: 8,
      commandsApplied: 4,
      commandsIneffective: 0,
    });
    expect(figures.outcomes).toEqual({ charged_from_solar: 2, no_surplus: 0, steering_ineffective: 0, aborted: 0, unknown: 2 });
  });

  it("counts only the sessions that started in the month, in its timezone; the others are in no figure but their own count", () => {
    const sessions = sessionsFromJson([
      { started_at: '"2026-09-30T21:59:59Z"', savings_eur: "5" }, // 23:59:59 on 30 September in Vienna
      { started_at: '"2026-09-30T22:00:00Z"', savings_eur: "0.25" }, // midnight, 1 October, in Vienna
      { started_at: '"2026-10-31T22:59:59+00:00"', savings_eur: "0.5" }, // 23:59:59 on 31 October (winter time)
      { started_at: '"2026-11-01T00:00:00+01:00"', savings_eur: "7" }, // November
    ]);
    const vienna = summarizeSessions(sessions, parseMonth("2026-10", new Date("2026-11-25T00:00:00Z"), "Europe/Vienna"));
    expect(vienna.figures).toMatchObject({ sessions: 2, savingsEur: "0.75", sessionsOutsideMonth: 2, commandsSent: 4, energyFromSolarKwh: "2.000" });
    expect(vienna.counted.map((session) => session.id)).toEqual([2, 3]);
    expect(vienna.outside.map((session) => session.id)).toEqual([1, 4]);
    // In UTC's October the first two started in September (UTC), and the last one on 31 October.
    const utc = summarizeSessions(sessions, october);
    expect(utc.figures).toMatchObject({ sessions: 2, savingsEur: "7.50", sessionsOutsideMonth: 2 });
    expect(utc.outside.map((session) => session.id)).toEqual([1, 2]);
  });

  it("makes org totals the sums of the rounded wallbox figures, so they reconcile", () => {
    // Each wallbox rounds 0.005 up to 0.01; the exact org sum would round 0.015 to 0.02, the rows add to 0.03.
    const wallboxes = [savings("0.005"), savings("0.005"), savings("0.005")].map((sessions) => summarizeWallbox(sessions, october));
    const totals = sumFigures(wallboxes);
    expect(wallboxes.map((figures) => figures.savingsEur)).toEqual(["0.01", "0.01", "0.01"]);
    expect(totals.savingsEur).toBe("0.03");
    expect(totals.sessions).toBe(3);
    expect(totals.energyFromSolarKwh).toBe("3.000");
  });

  it("gives zeros, not blanks, for a wallbox without sessions", () => {
    const figures = summarizeWallbox([], october);
    expect(figures.savingsEur).toBe("0.00");
    expect(figures.energyFromSolarKwh).toBe("0.000");
    expect(sumFigures([]).savingsEur).toBe("0.00");
  });
});
