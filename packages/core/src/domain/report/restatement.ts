import { z } from "zod";
import type { Manifest } from "./manifest.ts";
import type { WallboxReport } from "./schema.ts";
import type { WallboxEntries } from "./wallbox-entries.ts";

/**
 * A wallbox's figures as a rerun compares them: kept beside each run's report as JSON Lines
 * (`wallbox-figures.jsonl`, one line a wallbox), so a later run can say what moved without
 * reading the earlier report whole.
 */
export const wallboxFiguresSchema = z.object({
  wallboxId: z.string(),
  label: z.string().nullable(),
  status: z.enum(["ok", "failed"]),
  sessions: z.number().int().nullable(),
  savingsEur: z.string().nullable(),
  energyFromSolarKwh: z.string().nullable(),
});
export type WallboxFigures = z.infer<typeof wallboxFiguresSchema>;

export const WALLBOX_FIGURES_FILE_NAME = "wallbox-figures.jsonl";
export const RESTATEMENT_FILE_NAME = "restatement.json";

export function wallboxFigures(entry: WallboxReport): WallboxFigures {
  return entry.status === "ok"
    ? {
        wallboxId: entry.wallboxId,
        label: entry.label,
        status: "ok",
        sessions: entry.sessions,
        savingsEur: entry.savingsEur,
        energyFromSolarKwh: entry.energyFromSolarKwh,
      }
    : { wallboxId: entry.wallboxId, label: entry.label, status: "failed", sessions: null, savingsEur: null, energyFromSolarKwh: null };
}

/** A wallbox whose figures moved between two reports of a month; `before` or `after` is null where it was not in that report. */
export interface MovedWallbox {
  wallboxId: string;
  label: string | null;
  before: Omit<WallboxFigures, "wallboxId" | "label"> | null;
  after: Omit<WallboxFigures, "wallboxId" | "label"> | null;
}

export interface Restatement {
  schemaVersion: 1;
  month: string;
  /** The report replaced, and the one that replaces it. */
  replaces: { runId: string; generatedAt: string; complete: boolean; totals: Manifest["totals"] };
  by: { runId: string; generatedAt: string; complete: boolean; totals: Manifest["totals"] };
  /** Each wallbox whose figures moved, came or went. */
  wallboxes: MovedWallbox[];
  /** False when the replaced report kept no figures to compare with (it predates them): only the totals are compared. */
  wallboxesCompared: boolean;
  movedWallboxes: number;
}

const figuresOf = ({ status, sessions, savingsEur, energyFromSolarKwh }: WallboxFigures) => ({ status, sessions, savingsEur, energyFromSolarKwh });
const same = (a: WallboxFigures, b: WallboxFigures) =>
  a.status === b.status && a.sessions === b.sessions && a.savingsEur === b.savingsEur && a.energyFromSolarKwh === b.energyFromSolarKwh;

/**
 * The wallboxes whose figures moved from the earlier report to this one, in this report's order,
 * then those the earlier one had and this one has not. The earlier figures are held in a map
 * (about 150 bytes a wallbox); this report's entries are streamed.
 */
export async function* movedWallboxes(before: AsyncIterable<WallboxFigures>, after: WallboxEntries): AsyncGenerator<MovedWallbox> {
  const earlier = new Map<string, WallboxFigures>();
  for await (const figures of before) earlier.set(figures.wallboxId.toLowerCase(), figures);
  for await (const entry of after.read()) {
    const now = wallboxFigures(entry);
    const key = now.wallboxId.toLowerCase();
    const then = earlier.get(key);
    earlier.delete(key);
    if (then && same(then, now)) continue;
    yield { wallboxId: now.wallboxId, label: now.label, before: then ? figuresOf(then) : null, after: figuresOf(now) };
  }
  for (const then of earlier.values()) yield { wallboxId: then.wallboxId, label: then.label, before: figuresOf(then), after: null };
}
