import type { Writable } from "node:stream";
import { pMapIterable } from "p-map";
import type { ReportConfig } from "../domain/config/index.ts";
import { type Coverage, type CoverageGap, CoverageTally, type OrgReader, type OrgUser, type OrgWallbox } from "../domain/org/index.ts";
import { WallboxReadError } from "../domain/sessions/index.ts";
import { writeInTurn } from "../shared/streams/index.ts";

/** What discovery found, counted: how many wallboxes the users list declares, how many were listed, and the gaps. */
export interface DiscoverySummary {
  users: number;
  /** Users whose `num_wallboxes` is above 0: the ones whose wallboxes were listed. */
  usersWithWallboxes: number;
  /** The sum of the users' `num_wallboxes`: what Podero says the org has. */
  declaredWallboxes: number;
  /** Wallboxes listed and not deleted: the run's wallboxes. */
  listedWallboxes: number;
  /** Wallboxes listed with `deleted_at` set: left out, and counted. */
  deletedWallboxes: number;
  /** Users whose `num_wallboxes` differs from the wallboxes their list holds (deleted ones aside). */
  miscountedUsers: number;
  /** Users whose wallboxes could not be listed: each is a failed line of the report. */
  usersNotListed: number;
  coverage: Coverage;
}

/** Where the checks put each coverage line (a work object, as the plan stores them). */
export type GapWriter = (gap: CoverageGap) => Promise<void>;

/** Coverage lines written to `out`, a JSON line each, as they are found. */
export const gapLines =
  (out: Writable): GapWriter =>
  (gap) =>
    writeInTurn(out, `${JSON.stringify(gap)}\n`);

/** One line of the run's wallbox list (JSON Lines, the config's own format): ids and what finance reconciles by, nothing personal. */
function configLine(user: OrgUser, wallbox: OrgWallbox): string {
  return JSON.stringify({
    userId: wallbox.userId,
    wallboxId: wallbox.wallboxId,
    ...(user.externalUserId ? { externalUserId: user.externalUserId } : {}),
    ...(wallbox.externalDeviceId ? { externalDeviceId: wallbox.externalDeviceId } : {}),
    ...(wallbox.manufacturer ? { manufacturer: wallbox.manufacturer } : {}),
    ...(wallbox.model ? { model: wallbox.model } : {}),
  });
}

/**
 * What listing a batch of users' wallboxes found, counted: the wallboxes listed and the users
 * whose list differs from their count, beside the coverage (which counts the users, what Podero
 * counts for them and the deleted wallboxes).
 */
export interface ListedCounts {
  listedWallboxes: number;
  miscountedUsers: number;
  /** The first user whose wallboxes could not be listed, and why. */
  firstFailure?: string;
  coverage: Coverage;
}

/**
 * Lists the wallboxes of `users` (each with `num_wallboxes` above 0; `concurrency` at once, in
 * their order) and writes each live one to `out` as a wallbox config line, with the partner's
 * ids, maker and model, nothing personal. Deleted wallboxes are left out and counted. A user
 * whose wallboxes cannot be listed (or are not by the step's time limit, `deadline`) is a
 * coverage line (`gaps`) that makes the report incomplete, never a silent gap.
 */
export async function listWallboxesOf(
  users: AsyncIterable<OrgUser>,
  reader: OrgReader,
  orgId: string,
  out: Writable,
  options: { concurrency: number; gaps: GapWriter; deadline?: AbortSignal; onUser?: (done: number) => void },
): Promise<ListedCounts> {
  const tally = new CoverageTally("partner-api", 0);
  const counts: Omit<ListedCounts, "coverage"> = { listedWallboxes: 0, miscountedUsers: 0 };
  let done = 0;
  // As a shard's wallboxes do: users not listed by the step's time limit are failed lines, the rest is kept.
  const outOfTime = `not listed: the batch reached its time limit before this user's wallboxes were (${options.concurrency} users at a time: raise HEMS_SHARD_CONCURRENCY or lower HEMS_SHARD_SIZE, docs/operations.md, Capacity)`;
  const listed = pMapIterable(
    users,
    async (user) => {
      if (options.deadline?.aborted) return { user, error: outOfTime };
      try {
        return { user, wallboxes: await reader.userWallboxes(orgId, user.userId) };
      } catch (error) {
        if (options.deadline?.aborted) return { user, error: outOfTime };
        if (error instanceof WallboxReadError) return { user, error: error.message };
        throw error;
      }
    },
    { concurrency: options.concurrency },
  );
  for await (const result of listed) {
    options.onUser?.(++done);
    const { user } = result;
    const declared = { userId: user.userId, externalUserId: user.externalUserId, declared: user.numWallboxes };
    if ("error" in result) {
      counts.firstFailure ??= `user ${user.userId}: ${result.error}`;
      await options.gaps(tally.add({ ...declared, covered: 0, notListedBecause: result.error! })!);
      continue;
    }
    const live = result.wallboxes.filter((wallbox) => !wallbox.deleted);
    tally.countDeleted(result.wallboxes.length - live.length);
    counts.listedWallboxes += live.length;
    if (live.length !== user.numWallboxes) counts.miscountedUsers++;
    for (const wallbox of live) await writeInTurn(out, `${configLine(user, wallbox)}\n`);
    const gap = tally.add({ ...declared, covered: live.length });
    if (gap) await options.gaps(gap);
  }
  return { ...counts, coverage: tally.result() };
}

/**
 * The coverage of a config: the org's users list, as it arrives, against the config's wallboxes
 * counted by user. Each user whose count differs is a line (`gaps`), users of the config that the
 * list does not hold last, in config order. A users list that cannot be read leaves the coverage
 * unchecked, with its reason (the report then says so), and no line; `gaps` are then to be
 * discarded, which is why the caller writes them where a failure leaves nothing.
 */
export async function checkConfigCoverage(reader: OrgReader, config: ReportConfig, gaps: GapWriter): Promise<Coverage> {
  const configured = new Map<string, { userId: string; count: number; externalUserId: string | null }>();
  for (const wallbox of config.wallboxes) {
    const key = wallbox.userId.toLowerCase();
    const known = configured.get(key);
    if (known) known.count++;
    else configured.set(key, { userId: wallbox.userId, count: 1, externalUserId: wallbox.externalUserId ?? null });
  }
  const tally = new CoverageTally("config");
  for await (const user of reader.users(config.orgId)) {
    const key = user.userId.toLowerCase();
    const mine = configured.get(key);
    configured.delete(key);
    const gap = tally.add({ userId: user.userId, externalUserId: user.externalUserId, declared: user.numWallboxes, covered: mine?.count ?? 0 });
    if (gap) await gaps(gap);
  }
  for (const { userId, count, externalUserId } of configured.values()) {
    await gaps(tally.add({ userId, externalUserId, declared: null, covered: count })!);
  }
  return tally.result();
}
