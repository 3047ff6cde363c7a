import type { WallboxRef } from "../config/index.ts";

/** One shard of a plan: a run of consecutive wallboxes in report order. */
export interface ShardRange {
  /** 0, 1, … in report order. */
  index: number;
  /** The report position of the shard's first wallbox. */
  first: number;
  count: number;
}

export interface ShardPlan {
  /** The configured wallboxes in report order: grouped by user, users in the order they first appear in the config. */
  wallboxes: WallboxRef[];
  shards: ShardRange[];
}

/**
 * Report order: each user's wallboxes together (a household's two wallboxes are neighbours, and a
 * shard never splits them), users in the order they first appear in the config, a user's
 * wallboxes in config order. It does not depend on how many shards there are, so any number of
 * shards gives the same report.
 */
export function reportOrder(wallboxes: readonly WallboxRef[]): WallboxRef[] {
  const byUser = new Map<string, WallboxRef[]>();
  for (const wallbox of wallboxes) {
    const key = wallbox.userId.toLowerCase();
    const list = byUser.get(key);
    if (list) list.push(wallbox);
    else byUser.set(key, [wallbox]);
  }
  return [...byUser.values()].flat();
}

/**
 * Splits the wallboxes, in report order, into at most `shardCount` shards of nearly equal size.
 * Each cut falls where a user's wallboxes end, so a user with very many wallboxes may make its
 * shard larger and leave fewer shards.
 */
export function planShards(wallboxes: readonly WallboxRef[], shardCount: number): ShardPlan {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`a run has a whole number of shards from 1, not ${shardCount}`);
  const ordered = reportOrder(wallboxes);
  const shards: ShardRange[] = [];
  let first = 0;
  for (let cut = 1; cut <= shardCount && first < ordered.length; cut++) {
    let end = cut === shardCount ? ordered.length : Math.max(first + 1, Math.round((ordered.length * cut) / shardCount));
    while (end < ordered.length && sameUser(ordered[end - 1]!, ordered[end]!)) end++;
    if (end > first) {
      shards.push({ index: shards.length, first, count: end - first });
      first = end;
    }
  }
  return { wallboxes: ordered, shards };
}

/** The number of shards of at most `shardSize` wallboxes each (users kept whole may make some larger). */
export function shardCountFor(wallboxCount: number, shardSize: number): number {
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`a shard holds a whole number of wallboxes from 1, not ${shardSize}`);
  return Math.max(1, Math.ceil(wallboxCount / shardSize));
}

const sameUser = (a: WallboxRef, b: WallboxRef) => a.userId.toLowerCase() === b.userId.toLowerCase();
