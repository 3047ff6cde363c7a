import { z } from "zod";
import { partialHeaderSchema } from "./partial.ts";

const count = z.number().int().nonnegative();

/**
 * A part of the session detail (one CSV file), by the place of its sessions in report order: it
 * starts `skip` sessions into shard `shard` and holds the next `rows` sessions of the shards from
 * there on (shards without a result hold none). Parts are written one per step, at once.
 */
export const detailPartSchema = z.object({ index: count, name: z.string().min(1), shard: count, skip: count, rows: count });
export type DetailPart = z.infer<typeof detailPartSchema>;

/**
 * Splits `shardSessions` (each shard's session count, in plan order) into parts of `rowsPerPart`
 * sessions, the last one shorter; a month without sessions still has one part (a CSV of only its
 * header). Cut by position in report order alone, so any number of shards gives the same parts.
 */
export function detailParts(shardSessions: readonly number[], rowsPerPart: number, names: readonly string[]): DetailPart[] {
  if (!Number.isInteger(rowsPerPart) || rowsPerPart < 1) throw new Error(`a CSV part holds a whole number of sessions from 1, not ${rowsPerPart}`);
  const total = shardSessions.reduce((sum, sessions) => sum + sessions, 0);
  const partCount = Math.max(1, Math.ceil(total / rowsPerPart));
  if (names.length !== partCount) throw new Error(`${partCount} CSV parts need as many names, not ${names.length}`);
  const parts: DetailPart[] = [];
  let shard = 0;
  let skip = 0;
  for (let index = 0; index < partCount; index++) {
    const rows = Math.min(rowsPerPart, total - index * rowsPerPart);
    parts.push({ index, name: names[index]!, shard, skip, rows });
    for (let left = rows; left > 0; ) {
      const available = shardSessions[shard]! - skip;
      if (available > left) {
        skip += left;
        left = 0;
      } else {
        left -= available;
        shard++;
        skip = 0;
      }
    }
  }
  return parts;
}

/** A shard's outcome as the run settled it once all shards had run: its result, or why it has none. */
export const shardOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("done"), header: partialHeaderSchema }),
  z.object({ status: z.literal("failed"), error: z.string() }),
]);
export type ShardOutcome = z.infer<typeof shardOutcomeSchema>;

/**
 * `collected.json`: every shard's outcome, settled once, and the session detail's parts. The
 * detail's steps and the merge all read it, so a shard's result that appeared late cannot make
 * the CSV and the workbook disagree about which wallboxes were read.
 */
export const collectedRunSchema = z.object({
  schemaVersion: z.literal(1),
  shards: z.array(shardOutcomeSchema).min(1),
  rowsPerPart: count.min(1),
  parts: z.array(detailPartSchema).min(1),
});
export type CollectedRun = z.infer<typeof collectedRunSchema>;

/** What a detail part's step stored (its marker, written last and once): the objects of the attempt that wrote them. */
export const detailPartResultSchema = z.object({
  schemaVersion: z.literal(1),
  part: count,
  rows: count,
  csvKey: z.string(),
  bytes: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The part's Data quality lines about sessions (JSON Lines of `QualityIssue`). */
  qualityKey: z.string(),
  qualityLines: count,
});
export type DetailPartResult = z.infer<typeof detailPartResultSchema>;
