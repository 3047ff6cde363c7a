import { describe, expect, it } from "vitest";
import { monthWindow } from "../month/index.ts";
import { summarizeWallbox } from "../summary/index.ts";
import { kpisOf } from "./kpis.ts";
import type { FiguresJson } from "./schema.ts";

const zero = summarizeWallbox([], monthWindow("2026-10"));
const totals = ({ charged = 0, ...fields }: Partial<FiguresJson> & { charged?: number }): FiguresJson => ({
  ...zero,
  outcomes: { ...zero.outcomes, charged_from_solar: charged },
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
