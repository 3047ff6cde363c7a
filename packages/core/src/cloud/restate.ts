import {
  type Manifest,
  type MovedWallbox,
  movedWallboxes,
  RESTATEMENT_FILE_NAME,
  type ReplacedReport,
  WALLBOX_FIGURES_FILE_NAME,
  type WallboxEntries,
  wallboxFiguresSchema,
} from "../domain/report/index.ts";
import { parseRecord, type ReportStore, type RunRecords, type StoredFile, writeFile } from "../ports/index.ts";
import { writeInTurn } from "../shared/streams/index.ts";

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
  replaced: ReplacedReport,
  manifest: Manifest,
): Promise<Restated> {
  const where = `the wallbox figures of run ${replaced.runId}`;
  // Each pass reads the earlier figures afresh (a retried step whose file is written already counts them again).
  const earlier = async () => {
    const lines = await records.openRunFileLines(manifest.month, replaced.runId, WALLBOX_FIGURES_FILE_NAME);
    return (
      lines &&
      (async function* () {
        for await (const line of lines) yield parseRecord(wallboxFiguresSchema, line, where);
      })()
    );
  };
  const { runId, generatedAt, complete, totals } = manifest;
  const first: MovedWallbox[] = [];
  let moved = 0;
  let compared = false;
  const compare = async (each: (wallbox: MovedWallbox) => Promise<void>) => {
    const before = await earlier();
    compared = before !== undefined;
    if (!before) return;
    for await (const wallbox of movedWallboxes(before, entries)) {
      if (first.length < MOVED_LISTED) first.push(wallbox);
      moved++;
      await each(wallbox);
    }
  };
  let written = false;
  const file = await writeFile(store, {
    name: RESTATEMENT_FILE_NAME,
    contentType: "application/json",
    produce: async (out) => {
      written = true;
      // The head, then each moved wallbox as it is found, then the count: never all in memory.
      const head = { schemaVersion: 1, month: manifest.month, replaces: replaced, by: { runId, generatedAt, complete, totals } };
      await writeInTurn(out, `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "wallboxes": [`);
      await compare((wallbox) => writeInTurn(out, `${moved === 1 ? "" : ","}\n    ${JSON.stringify(wallbox)}`));
      await writeInTurn(out, `${moved === 0 ? "" : "\n  "}],\n  "wallboxesCompared": ${compared},\n  "movedWallboxes": ${moved}\n}\n`);
    },
  });
  // Written by an earlier attempt of this step: the same comparison, counted again.
  if (!written) await compare(async () => undefined);
  return { file, compared, moved, first };
}
