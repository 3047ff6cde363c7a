import type { Writable } from "node:stream";
import { pMapIterable } from "p-map";
import type { OrgReader, OrgUser, OrgWallbox } from "../domain/org/index.ts";
import { WallboxReadError } from "../domain/sessions/index.ts";
import { DiscoveryError } from "../shared/errors/index.ts";
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
}

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
 * Builds a run's wallbox list from the Partner API: the org's users as their list arrives, then
 * the wallboxes of each user whose `num_wallboxes` is above 0 (`concurrency` users at once, in
 * the users list's order), written to `out` as a JSON Lines config (`{"orgId"}`, then a wallbox a
 * line), so the run can be repeated from its own input. Deleted wallboxes are left out and
 * counted. A user whose wallboxes cannot be listed stops the run, naming the users (their
 * wallboxes would otherwise be a silent gap): until the report can list such a user as a failed
 * entry, no report is better than one that quietly covers less.
 */
export async function discoverWallboxes(
  reader: OrgReader,
  orgId: string,
  out: Writable,
  options: { concurrency: number; onUser?: (done: number) => void },
): Promise<DiscoverySummary> {
  const summary: DiscoverySummary = {
    users: 0,
    usersWithWallboxes: 0,
    declaredWallboxes: 0,
    listedWallboxes: 0,
    deletedWallboxes: 0,
    miscountedUsers: 0,
  };
  const failed: { user: OrgUser; error: string }[] = [];
  async function* usersWithWallboxes(): AsyncGenerator<OrgUser> {
    for await (const user of reader.users(orgId)) {
      summary.users++;
      summary.declaredWallboxes += user.numWallboxes;
      if (user.numWallboxes > 0) {
        summary.usersWithWallboxes++;
        yield user;
      }
    }
  }
  await writeInTurn(out, `${JSON.stringify({ orgId })}\n`);
  const listed = pMapIterable(
    usersWithWallboxes(),
    async (user) => {
      try {
        return { user, wallboxes: await reader.userWallboxes(orgId, user.userId) };
      } catch (error) {
        if (error instanceof WallboxReadError) return { user, error: error.message };
        throw error;
      }
    },
    { concurrency: options.concurrency },
  );
  let done = 0;
  for await (const result of listed) {
    options.onUser?.(++done);
    if ("error" in result) {
      failed.push({ user: result.user, error: result.error! });
      continue;
    }
    const live = result.wallboxes.filter((wallbox) => !wallbox.deleted);
    summary.deletedWallboxes += result.wallboxes.length - live.length;
    summary.listedWallboxes += live.length;
    if (live.length !== result.user.numWallboxes) summary.miscountedUsers++;
    for (const wallbox of live) await writeInTurn(out, `${configLine(result.user, wallbox)}\n`);
  }
  if (failed.length > 0) {
    const named = failed
      .slice(0, 5)
      .map(({ user, error }) => `user ${user.userId}${user.externalUserId ? ` (${user.externalUserId})` : ""}: ${error}`);
    throw new DiscoveryError(
      `the wallboxes of ${failed.length} of the org's ${summary.usersWithWallboxes} users with wallboxes could not be listed, so the report would miss them: ${named.join("; ")}${failed.length > 5 ? "; …" : ""}`,
    );
  }
  if (summary.listedWallboxes === 0) throw new DiscoveryError(`the Partner API lists no wallbox for organisation ${orgId} (${summary.users} users)`);
  return summary;
}
