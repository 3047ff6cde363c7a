import { FiguresTotal } from "../summary/index.ts";
import type { UserReport } from "./schema.ts";
import type { WallboxEntries } from "./wallbox-entries.ts";

/** A user's entry, with the names of its first wallboxes (labels, or ids) for the Users sheet. */
export interface UserSummary extends UserReport {
  wallboxNames: string[];
}

/** A user's wallboxes named in the Users sheet; a fleet's further wallboxes are counted. */
export const WALLBOX_NAMES_LISTED = 10;

/**
 * One entry per user, in report order: its wallboxes, how many failed, and the exact sums of the
 * rounded figures of those read (so users add up to the totals, as wallboxes do). A user's
 * wallboxes are neighbours in report order, so each user is summed as its wallboxes stream by.
 */
export async function* userSummaries(entries: WallboxEntries): AsyncGenerator<UserSummary> {
  let current:
    | { key: string; userId: string; externalUserId: string | null; names: string[]; count: number; failed: number; totals: FiguresTotal }
    | undefined;
  const summary = (user: NonNullable<typeof current>): UserSummary => ({
    userId: user.userId,
    externalUserId: user.externalUserId,
    wallboxes: user.count,
    wallboxesFailed: user.failed,
    // A user none of whose wallboxes could be read has no figures: null, never zeros.
    figures: user.failed === user.count ? null : user.totals.result(),
    wallboxNames: user.names,
  });
  for await (const wallbox of entries.read()) {
    const key = wallbox.userId.toLowerCase();
    if (current?.key !== key) {
      if (current) yield summary(current);
      current = { key, userId: wallbox.userId, externalUserId: wallbox.externalUserId, names: [], count: 0, failed: 0, totals: new FiguresTotal() };
    }
    current.count++;
    current.externalUserId ??= wallbox.externalUserId;
    if (current.names.length < WALLBOX_NAMES_LISTED) current.names.push(wallbox.label ?? wallbox.wallboxId);
    if (wallbox.status === "ok") current.totals.add(wallbox);
    else current.failed++;
  }
  if (current) yield summary(current);
}

/** A user's entry as the JSON has it. */
export const userReport = ({ wallboxNames: _names, ...user }: UserSummary): UserReport => user;
