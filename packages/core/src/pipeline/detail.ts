import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sessionQualityIssues } from "../domain/report/index.ts";
import type { WallboxSessions } from "../domain/sessions/index.ts";
import { type CollectedRun, type DetailPart, type DetailPartResult, type RunPlan, WorkStoreError, workKeys } from "../domain/shards/index.ts";
import { sessionCsvRows, writeSessionsCsvPart } from "../formats/csv/index.ts";
import { hasWorkObject, type WorkStore } from "../ports/index.ts";
import { measuringStream, writeInTurn } from "../shared/streams/index.ts";
import { collectedHeaders } from "./collect.ts";
import { shardSessions, type WallboxesOf, wallboxesFromStore } from "./shards.ts";

export type DetailPartOutcome = { status: "done"; result: DetailPartResult } | { status: "already done" };

/**
 * The sessions of one part, in report order: the wallboxes' sessions cut to the part's range.
 * Each shard is read to its end by exactly one part (the one its last session falls in; the last
 * part also reads any shards after its last session), so every shard's session count is checked
 * against its header: a sessions object holding more than its header says is an error, never a
 * session left out.
 */
async function* partSessions(
  store: WorkStore,
  plan: RunPlan,
  collected: CollectedRun,
  part: DetailPart,
  wallboxesOf: WallboxesOf,
): AsyncGenerator<WallboxSessions> {
  const headers = collectedHeaders(collected);
  const lastPart = part.index === collected.parts.length - 1;
  let skip = part.skip;
  let left = part.rows;
  for (let shard = part.shard; shard < plan.shards.length; shard++) {
    const header = headers[shard];
    if (!header) continue;
    // The next part starts where this one ends.
    if (left === 0 && !lastPart) return;
    const toItsEnd = left >= header.totals.sessions - skip;
    for await (const { wallbox, sessions } of shardSessions(store, plan, headers, wallboxesOf, shard, shard)) {
      if (skip >= sessions.length) {
        skip -= sessions.length;
        continue;
      }
      const taken = sessions.slice(skip, skip + left);
      skip = 0;
      left -= taken.length;
      if (taken.length > 0) yield { wallbox, sessions: taken };
      // Stopped inside the shard: the rest is the next part's, which reads it to its end.
      if (left === 0 && !toItsEnd) return;
    }
    skip = 0;
  }
  if (left > 0) throw new WorkStoreError(`part ${part.index + 1} of the session detail lacks ${left} sessions that ${workKeys.collected} counts`);
}

/**
 * Writes one part of the session detail: its CSV file and its sessions' Data quality lines, in one
 * pass over its sessions. Parts are independent, so they can be written at once; each is written
 * once (a part whose marker is stored does nothing), and an attempt that dies halfway leaves only
 * objects that no marker names.
 */
export async function writeDetailPart(
  store: WorkStore,
  plan: RunPlan,
  collected: CollectedRun,
  part: DetailPart,
  options: { wallboxesOf?: WallboxesOf } = {},
): Promise<DetailPartOutcome> {
  const markerKey = workKeys.detailPart(part.index);
  if (await hasWorkObject(store, markerKey)) return { status: "already done" };
  const attempt = randomUUID();
  const csvKey = workKeys.detailCsv(part.index, attempt);
  const qualityKey = workKeys.detailQuality(part.index, attempt);
  const wallboxesOf = options.wallboxesOf ?? wallboxesFromStore(store);
  const measure = measuringStream();
  let qualityLines = 0;
  // One pass over the part's sessions feeds both objects: the CSV rows, and the Data quality lines on the way.
  const writeBoth = async (csvOut: Writable, qualityOut: Writable) => {
    const withQuality = async function* () {
      for await (const wallbox of partSessions(store, plan, collected, part, wallboxesOf)) {
        for (const issue of sessionQualityIssues(wallbox.wallbox, wallbox.sessions)) {
          await writeInTurn(qualityOut, `${JSON.stringify(issue)}\n`);
          qualityLines++;
        }
        yield wallbox;
      }
    };
    const rows = sessionCsvRows(withQuality)[Symbol.asyncIterator]();
    try {
      // The part's sessions end on their own (exactly its rows, or an error).
      await Promise.all([pipeline(measure, csvOut), writeSessionsCsvPart(rows, Number.POSITIVE_INFINITY, measure)]);
    } finally {
      // Closes the sessions objects still open when writing failed midway.
      await rows.return?.(undefined);
    }
  };
  await store.create(csvKey, async (csvOut) => {
    await store.create(qualityKey, (qualityOut) => writeBoth(csvOut, qualityOut));
  });
  const result: DetailPartResult = {
    schemaVersion: 1,
    part: part.index,
    rows: part.rows,
    csvKey,
    bytes: measure.bytes(),
    sha256: measure.sha256(),
    qualityKey,
    qualityLines,
  };
  const created = await store.create(markerKey, async (out) => void out.end(`${JSON.stringify(result)}\n`));
  return created ? { status: "done", result } : { status: "already done" };
}
