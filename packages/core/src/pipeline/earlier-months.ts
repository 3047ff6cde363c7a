import { createReadStream } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { figuresSchema, type MonthTotals, monthsBefore, reportFileNames, TREND_MONTHS } from "../domain/report/index.ts";
import type { RunRecords } from "../ports/index.ts";

/** Where earlier months' totals come from: the month's report in a folder, or its manifest in the bucket. */
export type MonthTotalsSource = (month: string) => Promise<MonthTotals | undefined>;

/** The totals of up to 12 months before `month` whose reports were found, latest first. */
export async function earlierMonths(month: string, source: MonthTotalsSource): Promise<MonthTotals[]> {
  const found = await Promise.all(monthsBefore(month, TREND_MONTHS).map(source));
  return found.filter((totals): totals is MonthTotals => totals !== undefined);
}

/** Where a JSON report's head ends: at its users (schemaVersion 2 on) or its wallboxes (1), whichever comes first. */
const HEAD_ENDS = ['\n  "users": [', '\n  "wallboxes": ['];
/** A JSON report's head: its totals come before its users and wallboxes, so only the beginning of the file is read. */
const HEAD_LIMIT = 1 << 20;

/** What the Trend needs of a report's head; the same in every schemaVersion so far, and from 3 on its wallbox counts. */
const trendHeadSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  month: z.string(),
  complete: z.boolean(),
  wallboxCounts: z.object({ listed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }).optional(),
  totals: figuresSchema.pick({ sessions: true, savingsEur: true, energyFromSolarKwh: true }),
});

const headEnd = (text: string) => Math.min(...HEAD_ENDS.map((key) => text.indexOf(key)).filter((at) => at >= 0));

/** Earlier reports in a local output folder (`hems-savings-YYYY-MM.json`); one that cannot be read is left out. */
export function monthTotalsInFolder(folder: string): MonthTotalsSource {
  return async (month) => {
    let text = "";
    try {
      for await (const chunk of createReadStream(join(folder, reportFileNames(month).json), { encoding: "utf8", highWaterMark: 64 * 1024 })) {
        text += chunk;
        if (Number.isFinite(headEnd(text)) || text.length > HEAD_LIMIT) break;
      }
      const end = headEnd(text);
      if (!Number.isFinite(end)) return undefined;
      // The head's text, closed where the first array would begin, is a JSON object of its own.
      const head = trendHeadSchema.safeParse(JSON.parse(`${text.slice(0, end).replace(/,$/, "")}\n}`));
      if (!head.success || head.data.month !== month) return undefined;
      const { totals } = head.data;
      return {
        month,
        complete: head.data.complete,
        // Reports before schemaVersion 3 do not state them in their head.
        wallboxes: head.data.wallboxCounts?.listed ?? null,
        failedWallboxes: head.data.wallboxCounts?.failed ?? null,
        sessions: totals.sessions,
        savingsEur: totals.savingsEur,
        energyFromSolarKwh: totals.energyFromSolarKwh,
      };
    } catch {
      return undefined;
    }
  };
}

/** Earlier months' reports in the bucket: each month's manifest (the month's report) states its totals. */
export function monthTotalsInRecords(records: RunRecords): MonthTotalsSource {
  return async (month) => {
    const found = await records.readMonthManifest(month).catch(() => undefined);
    if (!found) return undefined;
    const { manifest } = found;
    return { month, complete: manifest.complete, ...manifest.totals };
  };
}
