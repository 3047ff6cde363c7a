import type { Readable } from "node:stream";
import { z } from "zod";
import { WorkStoreError } from "../../shared/errors/index.ts";
import { wallboxRefSchema } from "../config/index.ts";
import { coverageSchema } from "../org/index.ts";
import { figuresSchema } from "../report/index.ts";

export { WorkStoreError };

/**
 * What a sharded run keeps in its work store, and in which shape. A run's work objects:
 * - `plan.json`: the month, the org, when the report counts as generated, and the shards; written
 *   last and once by the plan step, it names the wallbox lists of the attempt that wrote it;
 * - `discovery.json`, `discovery-{attempt}/users-0001.jsonl`, `discovered/0001.json` and the
 *   objects it names: a run that finds its wallboxes through the Partner API, before its plan
 *   (`discovery.ts`);
 * - `plan-{attempt}/shard-0001.jsonl`: a shard's wallboxes, one per line, in report order;
 * - `plan-{attempt}/wallboxes.jsonl`: the wallbox list discovery found, when the run found its
 *   wallboxes through the Partner API; `plan-{attempt}/coverage.jsonl`: the coverage lines;
 * - `shards/0001/sessions-{attempt}.bin`: the month's sessions a shard read, in frames (below);
 * - `shards/0001/outside-{attempt}.jsonl`: the Data quality lines of the sessions the shard read
 *   that started in a neighbouring month, in report order;
 * - `shards/0001/entries.jsonl`: the shard's result, written last and once: a header line, then
 *   each wallbox's report entry (compact, `encodeWallboxEntry`). It names the sessions object of
 *   the attempt that wrote it.
 * - `collected.json`: every shard's outcome and the session detail's parts, settled once after the
 *   shards (`detail.ts`);
 * - `detail/part-001/{attempt}.csv` and `…/{attempt}.quality.jsonl`: a CSV part of the session
 *   detail and its Data quality lines; `detail/part-001.json`, written last and once, names them.
 * An attempt that dies halfway leaves only objects that nothing names, so a retry never mixes
 * its data with another attempt's.
 */
export const workKeys = {
  plan: "plan.json",
  shardWallboxes: (attempt: string, shard: number) => `plan-${attempt}/shard-${shardNumber(shard)}.jsonl`,
  /** The wallbox list discovery found (a JSON Lines config), published beside the report. */
  wallboxList: (attempt: string) => `plan-${attempt}/wallboxes.jsonl`,
  /** The coverage check's Data quality lines, one per user whose wallboxes differ from Podero's count. */
  coverageGaps: (attempt: string) => `plan-${attempt}/coverage.jsonl`,
  /** Discovery's plan (written last and once by the plan step) and the users of each batch to list. */
  discovery: "discovery.json",
  discoveryUsers: (attempt: string, batch: number) => `discovery-${attempt}/users-${shardNumber(batch)}.jsonl`,
  /** A batch's result (written last and once), naming the wallbox lines and coverage lines it found. */
  discoveredBatch: (batch: number) => `discovered/${shardNumber(batch)}.json`,
  discoveredWallboxes: (batch: number, attempt: string) => `discovered/${shardNumber(batch)}/wallboxes-${attempt}.jsonl`,
  discoveredGaps: (batch: number, attempt: string) => `discovered/${shardNumber(batch)}/coverage-${attempt}.jsonl`,
  shardEntries: (shard: number) => `shards/${shardNumber(shard)}/entries.jsonl`,
  shardSessions: (shard: number, attempt: string) => `shards/${shardNumber(shard)}/sessions-${attempt}.bin`,
  shardOutside: (shard: number, attempt: string) => `shards/${shardNumber(shard)}/outside-${attempt}.jsonl`,
  collected: "collected.json",
  detailPart: (part: number) => `detail/part-${partNumber(part)}.json`,
  detailCsv: (part: number, attempt: string) => `detail/part-${partNumber(part)}/${attempt}.csv`,
  detailQuality: (part: number, attempt: string) => `detail/part-${partNumber(part)}/${attempt}.quality.jsonl`,
};

/** Shards are numbered from 1 in names, as people count them. */
const shardNumber = (shard: number) => String(shard + 1).padStart(4, "0");
const partNumber = (part: number) => String(part + 1).padStart(3, "0");

const count = z.number().int().nonnegative();
const exactDecimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const day = z.iso.date();

/** A shard as it travels between steps: small, whatever the shard's size. */
export const shardDescriptorSchema = z.object({ index: count, first: count, count: count.min(1), wallboxesKey: z.string() });
export type ShardDescriptor = z.infer<typeof shardDescriptorSchema>;

/** The month as a run reads it (`MonthWindow`): its timezone, its instants and the UTC days asked of the API. */
export const monthWindowSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  timeZone: z.string().min(1),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  from: day,
  to: day,
});

export const runPlanSchema = z.object({
  schemaVersion: z.literal(2),
  orgId: z.string(),
  window: monthWindowSchema,
  generatedAt: z.iso.datetime(),
  wallboxes: count,
  shards: z.array(shardDescriptorSchema).min(1),
  /** The organisation's name as the Partner API gives it, asked before the reads. */
  organizationName: z.string().optional(),
  /** How far the wallboxes cover the org as Podero counts it; `gapsKey` names the lines (when there are any). */
  coverage: coverageSchema.extend({ gapsKey: z.string().optional() }).optional(),
  /** The wallbox list discovery found, to be published beside the report. */
  wallboxList: z.object({ key: z.string(), bytes: count, sha256: z.string() }).optional(),
});
export type RunPlan = z.infer<typeof runPlanSchema>;

export const shardWallboxSchema = wallboxRefSchema;

export const partialHeaderSchema = z.object({
  schemaVersion: z.literal(2),
  shard: count,
  wallboxes: count,
  failed: count,
  /** Exact sums of the shard's rounded wallbox figures: the merge adds them up. */
  totals: figuresSchema,
  /** The exact sum of its sessions' savings before rounding (a decimal text). */
  unroundedSavingsEur: exactDecimal,
  /** The savings of its sessions behind each money caveat, exactly. */
  caveatSavingsEur: z.object({ open: exactDecimal, incompletePriceCoverage: exactDecimal }),
  sessionsKey: z.string(),
  /** Its Data quality lines of sessions from a neighbouring month: as many as `totals.sessionsOutsideMonth`. */
  outsideKey: z.string(),
});
export type PartialHeader = z.infer<typeof partialHeaderSchema>;

/**
 * A frame of the sessions object: the wallbox's index in its shard and the length of its session
 * segment (`encodeSessionSegment`), 4 bytes each, big-endian, then the segment.
 */
export function frameHead(indexInShard: number, length: number): Buffer {
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(indexInShard, 0);
  head.writeUInt32BE(length, 4);
  return head;
}

/** The frames of a sessions object, one at a time; a truncated object is an error, never fewer sessions. */
export async function* readFrames(stream: Readable, name: string): AsyncGenerator<{ index: number; segment: Buffer }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = all.length > bytes ? [all.subarray(bytes)] : [];
    pendingBytes = all.length - bytes;
    return all.subarray(0, bytes);
  };
  let need: { index: number; length: number } | undefined;
  for await (const chunk of stream) {
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    for (;;) {
      if (!need) {
        if (pendingBytes < 8) break;
        const head = take(8);
        need = { index: head.readUInt32BE(0), length: head.readUInt32BE(4) };
      }
      if (pendingBytes < need.length) break;
      yield { index: need.index, segment: Buffer.from(take(need.length)) };
      need = undefined;
    }
  }
  if (need || pendingBytes > 0) throw new WorkStoreError(`${name} ends in the middle of a frame: it was not written whole`);
}
