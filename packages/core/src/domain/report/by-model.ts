import { FiguresTotal } from "../summary/index.ts";
import { ratio } from "./kpis.ts";
import type { ModelReport } from "./schema.ts";
import type { WallboxEntries } from "./wallbox-entries.ts";

interface ModelTally {
  manufacturer: string | null;
  model: string | null;
  wallboxes: number;
  failed: number;
  totals: FiguresTotal;
}

/** Names sort as a reader looks for them (case aside); a wallbox without a maker or model comes after those with one. */
const byName = (a: string | null, b: string | null) => {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1);
};

/**
 * Each wallbox model's month (manufacturer and model as Podero names them), from one pass over
 * the entries: how many wallboxes, sessions and savings, and the share of sessions whose steering
 * did not take. Models are few, so they are held; the entries stream by.
 */
export async function modelSummaries(entries: WallboxEntries): Promise<ModelReport[]> {
  const models = new Map<string, ModelTally>();
  for await (const entry of entries.read()) {
    const key = JSON.stringify([entry.manufacturer, entry.model]);
    let tally = models.get(key);
    if (!tally) {
      tally = { manufacturer: entry.manufacturer, model: entry.model, wallboxes: 0, failed: 0, totals: new FiguresTotal() };
      models.set(key, tally);
    }
    tally.wallboxes++;
    if (entry.status === "ok") tally.totals.add(entry);
    else tally.failed++;
  }
  return [...models.values()]
    .sort((a, b) => byName(a.manufacturer, b.manufacturer) || byName(a.model, b.model))
    .map((tally) => {
      const totals = tally.totals.result();
      return {
        manufacturer: tally.manufacturer,
        model: tally.model,
        wallboxes: tally.wallboxes,
        wallboxesFailed: tally.failed,
        sessions: totals.sessions,
        steeringIneffective: totals.outcomes.steering_ineffective,
        shareSteeringIneffective: ratio(totals.outcomes.steering_ineffective, totals.sessions),
        savingsEur: totals.savingsEur,
        energyFromSolarKwh: totals.energyFromSolarKwh,
      };
    });
}
