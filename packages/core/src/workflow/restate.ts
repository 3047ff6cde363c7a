import {
  type Manifest,
  type MovedWallbox,
  movedWallboxes,
  RESTATEMENT_FILE_NAME,
  type Restatement,
  WALLBOX_FIGURES_FILE_NAME,
  type WallboxEntries,
  wallboxFiguresSchema,
} from "../report/index.ts";
import { parseRecord, type RunRecords } from "../run-records/index.ts";
import { type ReportStore, type StoredFile, writeFile, writeInTurn } from "../storage/index.ts";

/** The email lists this many moved wallboxes; the restatement file has them all. */
export const MOVED_LISTED = 50;

export interface Restated {
  file: StoredFile;
  compared: boolean;
  moved: number;
  /** The first moved wallboxes, in report order. */
  first: MovedWallbox[];
}

/**
 * When a rerun's report replaces the month's: what changed against the one it replaces, written
 * beside the report as `restatement.json` (for systems that apply the restatement): both runs'
 * totals, and each wallbox whose figures moved, came or went. The replaced run's wallbox figures
 * are read from the file it kept beside its report; a run from before that file existed is
 * compared by its totals only.
 */
export async function restate(
  records: RunRecords,
  store: ReportStore,
  entries: WallboxEntries,
  replaced: Manifest,
  manifest: Manifest,
): Promise<Restated> {
  const where = `the wallbox figures of run ${replaced.runId}`;
  const lines = await records.openRunFileLines(replaced.month, replaced.runId, WALLBOX_FIGURES_FILE_NAME);
  const before = (async function* () {
    if (lines) for await (const line of lines) yield parseRecord(wallboxFiguresSchema, line, where);
  })();
  const side = (run: Manifest) => ({ runId: run.runId, generatedAt: run.generatedAt, complete: run.complete, totals: run.totals });
  const head: Omit<Restatement, "wallboxes" | "movedWallboxes"> = {
    schemaVersion: 1,
    month: manifest.month,
    replaces: side(replaced),
    by: side(manifest),
    wallboxesCompared: lines !== undefined,
  };
  const first: MovedWallbox[] = [];
  let moved = 0;
  const file = await writeFile(store, {
    name: RESTATEMENT_FILE_NAME,
    contentType: "application/json",
    produce: async (out) => {
      // The head, then each moved wallbox as it is found, then the count: never all in memory.
      await writeInTurn(out, `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "wallboxes": [`);
      if (lines) {
        for await (const wallbox of movedWallboxes(before, entries)) {
          await writeInTurn(out, `${moved === 0 ? "" : ","}\n    ${JSON.stringify(wallbox)}`);
          if (first.length < MOVED_LISTED) first.push(wallbox);
          moved++;
        }
      }
      await writeInTurn(out, `${moved === 0 ? "" : "\n  "}],\n  "movedWallboxes": ${moved}\n}\n`);
    },
  });
  return { file, compared: lines !== undefined, moved, first };
}
