import { describe, expect, it } from "vitest";
import { kpisOf } from "./kpis.ts";
import type { FiguresJson } from "./schema.ts";

const totals = (fields: Partial<FiguresJson> & { charged?: number }): FiguresJson => ({
  sessions: 0,
  outcomes: { charged_from_solar: fields.charged ?? 0, no_surplus: 0, steering_ineffective: 0, aborted: 0, unknown: 0 },
  energyFromSolarKwh: "0.000",
  savingsEur: "0.00",
  commandsSent: 0,
  commandsApplied: 0,
  commandsIneffective: 0,
  sessionsWithoutSavings: 0,
  sessionsWithIncompletePriceCoverage: 0,
  openSessions: 0,
  sessionsOutsideMonth: 0,
  ...fields,
});

describe("KPIs", () => {
  it("divides the totals exactly and rounds once to 4 decimals, ties away from zero", () => {
    expect(
      kpisOf(totals({ sessions: 3, charged: 2, commandsSent: 8, commandsApplied: 1, savingsEur: "10.00", energyFromSolarKwh: "3.000" })),
    ).toEqual({
      shareOfSessionsChargedFromSolar: "0.6667",
      commandApplicationRate: "0.1250",
      savingsPerKwhFromSolarEur: "3.3333",
      averageSavingsPerSessionEur: "3.3333",
    });
    // 0.00005 exactly is a tie: away from zero, also for negative savings; a float would give 0.0000 here.
    expect(kpisOf(totals({ sessions: 20_000, savingsEur: "1.00" })).averageSavingsPerSessionEur).toBe("0.0001");
    expect(kpisOf(totals({ sessions: 20_000, savingsEur: "-1.00" })).averageSavingsPerSessionEur).toBe("-0.0001");
    expect(kpisOf(totals({ sessions: 3, savingsEur: "0.01", energyFromSolarKwh: "0.001" })).savingsPerKwhFromSolarEur).toBe("10.0000");
  });

  it("is null where the denominator is 0, never a division by zero or a made-up 0", () => {
    expect(kpisOf(totals({}))).toEqual({
      shareOfSessionsChargedFromSolar: null,
      commandApplicationRate: null,
      savingsPerKwhFromSolarEur: null,
      averageSavingsPerSessionEur: null,
    });
    expect(kpisOf(totals({ sessions: 4, charged: 0 })).shareOfSessionsChargedFromSolar).toBe("0.0000");
  });
});
