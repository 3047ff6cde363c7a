import { withRoomFor } from "../../shared/memory/index.ts";
import type { Outcome } from "../sessions/index.ts";
import { figuresSchema, type WallboxReport, wallboxReportSchema } from "./schema.ts";

/**
 * The report's wallbox entries, in report order. They are kept apart from the report's head
 * because there may be a million of them: the writers read them as often as they need, one at a
 * time, wherever they are kept.
 */
export interface WallboxEntries {
  /** How many wallboxes the report lists. */
  readonly count: number;
  /** How many of them could not be read. */
  readonly failed: number;
  /** Every entry once, in report order. */
  read(): AsyncIterable<WallboxReport>;
}

/** Entries from a list already in memory (small reports and tests). */
export function entriesFromList(list: readonly WallboxReport[]): WallboxEntries {
  return {
    count: list.length,
    failed: list.filter((entry) => entry.status === "failed").length,
    async *read() {
      yield* list;
    },
  };
}

// The keys of each kind of entry in the schema's order, which is also the JSON's: an entry is
// kept as its values alone and rebuilt with these keys, so it serializes to the same bytes.
const [okSchema, failedSchema] = wallboxReportSchema.options;
const OK_KEYS = Object.keys(okSchema.shape) as (keyof Extract<WallboxReport, { status: "ok" }>)[];
const FAILED_KEYS = Object.keys(failedSchema.shape) as (keyof Extract<WallboxReport, { status: "failed" }>)[];
const OUTCOME_KEYS = Object.keys(figuresSchema.shape.outcomes.shape) as Outcome[];
const STATUS_INDEX = OK_KEYS.indexOf("status");

type EncodedEntry = unknown[];

/** An entry as its values in key order (outcomes likewise), the compact form the arena keeps. */
export function encodeWallboxEntry(entry: WallboxReport): EncodedEntry {
  if (entry.status === "failed") return FAILED_KEYS.map((key) => entry[key]);
  return OK_KEYS.map((key) => (key === "outcomes" ? OUTCOME_KEYS.map((outcome) => entry.outcomes[outcome]) : entry[key]));
}

export function decodeWallboxEntry(values: EncodedEntry): WallboxReport {
  const keys: readonly string[] = values[STATUS_INDEX] === "failed" ? FAILED_KEYS : OK_KEYS;
  const entry: Record<string, unknown> = {};
  keys.forEach((key, index) => {
    const value = values[index];
    if (key !== "outcomes") entry[key] = value;
    else {
      const outcomes: Record<string, unknown> = {};
      OUTCOME_KEYS.forEach((outcome, at) => {
        outcomes[outcome] = (value as unknown[])[at];
      });
      entry[key] = outcomes;
    }
  });
  return entry as WallboxReport;
}

/** Bytes per block of the arena: large enough for thousands of entries, small enough to waste little. */
const BLOCK_BYTES = 1 << 20;

/**
 * Where a run keeps its wallbox entries while it reads: each entry as compact JSON bytes outside
 * the JavaScript heap (about 200 bytes a wallbox), indexed by its position in the report. Entries
 * arrive in any order, as the wallboxes are read; they are read back in report order.
 */
export class WallboxEntryArena implements WallboxEntries {
  private blocks: Buffer[] = [];
  private used = BLOCK_BYTES; // no block yet: the first entry opens one
  private blockOf = new Uint32Array(1024);
  private offsetOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024); // 0: no entry at this position (an entry is never empty)
  private highest = -1;
  private held = 0;
  private failedCount = 0;

  get count(): number {
    return this.held;
  }

  get failed(): number {
    return this.failedCount;
  }

  /** Keeps the entry for `position`; each position is put once. */
  put(position: number, entry: WallboxReport): void {
    if (!Number.isSafeInteger(position) || position < 0) throw new Error(`a wallbox position is a whole number from 0, not ${position}`);
    this.blockOf = withRoomFor(this.blockOf, position);
    this.offsetOf = withRoomFor(this.offsetOf, position);
    this.lengthOf = withRoomFor(this.lengthOf, position);
    if (this.lengthOf[position] !== 0) throw new Error(`the report already holds an entry at position ${position}`);
    const bytes = Buffer.from(JSON.stringify(encodeWallboxEntry(entry)));
    if (this.used + bytes.length > BLOCK_BYTES) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK_BYTES, bytes.length)));
      this.used = 0;
    }
    const block = this.blocks.length - 1;
    bytes.copy(this.blocks[block]!, this.used);
    this.blockOf[position] = block;
    this.offsetOf[position] = this.used;
    this.lengthOf[position] = bytes.length;
    this.used += bytes.length;
    this.highest = Math.max(this.highest, position);
    this.held++;
    if (entry.status === "failed") this.failedCount++;
  }

  /** The entry at `position`. */
  get(position: number): WallboxReport {
    const length = position < this.lengthOf.length ? this.lengthOf[position]! : 0;
    if (length === 0) throw new Error(`the report holds no entry at position ${position}`);
    const offset = this.offsetOf[position]!;
    const text = this.blocks[this.blockOf[position]!]!.toString("utf8", offset, offset + length);
    return decodeWallboxEntry(JSON.parse(text) as EncodedEntry);
  }

  /** Every entry in report order; a position left without an entry is a bug, and says so. */
  async *read(): AsyncGenerator<WallboxReport> {
    if (this.highest + 1 !== this.held) {
      throw new Error(`the report holds ${this.held} entries for ${this.highest + 1} positions (a bug: please report it)`);
    }
    for (let position = 0; position < this.held; position++) yield this.get(position);
  }
}
