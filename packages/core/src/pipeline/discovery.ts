import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseConfigLines } from "../domain/config/index.ts";
import type { MonthWindow } from "../domain/month/index.ts";
import { addCoverage, type Coverage, CoverageTally, type OrgReader, type OrgUser, orgUserSchema } from "../domain/org/index.ts";
import { MAX_SHARDS } from "../domain/run/index.ts";
import {
  type DiscoveredBatch,
  type DiscoveryBatch,
  type DiscoveryPlan,
  discoveredBatchSchema,
  discoveryPlanSchema,
  planShards,
  type RunPlan,
  WorkStoreError,
  workKeys,
} from "../domain/shards/index.ts";
import { hasWorkObject, openWorkLines, readWorkText, type WorkStore } from "../ports/index.ts";
import { DiscoveryError, RunLimitError } from "../shared/errors/index.ts";
import { measuringStream, writeInTurn } from "../shared/streams/index.ts";
import { type DiscoverySummary, gapLines, listWallboxesOf } from "./discover.ts";
import type { MonthPlanned } from "./plan-month.ts";
import { planRun, readPlan } from "./shards.ts";
import { countedLines, parseStored } from "./stored.ts";

/*
 * A run that finds its wallboxes through the Partner API does it in three steps, as the reads
 * are done, so a million wallboxes (some 860,000 wallbox lists to ask for) fan out over the
 * workflow's Map rather than one invocation's 15 minutes: the plan step reads the users list and
 * cuts it into batches (`planDiscovery`); each batch's wallboxes are listed by a step of their
 * own (`discoverBatch`); then the lists are put together, in the users list's order, into the
 * run's wallbox list and its plan (`planDiscovered`). One process runs the same three in turn.
 */

export interface PlanDiscoveryInput {
  orgId: string;
  organizationName?: string;
  window: MonthWindow;
  generatedAt: Date;
  /** The most users a batch holds. */
  batchSize: number;
}

/**
 * Reads the org's users list as it arrives and stores its users with wallboxes in batches of
 * `batchSize`, in the list's order; users without one are counted. A users list that cannot be
 * read stops the run (`DiscoveryError`, from the reader). Done once: a discovery plan already
 * stored is the answer.
 */
export async function planDiscovery(work: WorkStore, reader: OrgReader, input: PlanDiscoveryInput): Promise<DiscoveryPlan> {
  const existing = await readDiscoveryPlan(work);
  if (existing) return existing;
  const attempt = randomUUID();
  const users = reader.users(input.orgId)[Symbol.asyncIterator]();
  let total = 0;
  let withoutWallboxes = 0;
  let listed = 0;
  let ended = false;
  /** The next user with wallboxes; users without one are counted on the way. */
  const nextWithWallboxes = async (): Promise<OrgUser | undefined> => {
    while (!ended) {
      const next = await users.next();
      if (next.done) ended = true;
      else {
        total++;
        if (next.value.numWallboxes > 0) return next.value;
        withoutWallboxes++;
      }
    }
    return undefined;
  };
  const batches: DiscoveryBatch[] = [];
  let declared = 0;
  try {
    let pending = await nextWithWallboxes();
    while (pending) {
      const index = batches.length;
      // Refused as soon as it shows: more batches than the Map's state carries, or more wallboxes than the plan may shard.
      if (index >= MAX_SHARDS || declared > MAX_SHARDS * input.batchSize) {
        throw new RunLimitError(
          `cannot discover the wallboxes of organisation ${input.orgId}: its users list holds more than ${MAX_SHARDS * input.batchSize} users with wallboxes or wallboxes, more than ${MAX_SHARDS} batches or shards of ${input.batchSize} (HEMS_SHARD_SIZE), whose descriptors fit Step Functions' 256 KiB state payload: raise HEMS_SHARD_SIZE`,
        );
      }
      const usersKey = workKeys.discoveryUsers(attempt, index);
      let count = 0;
      await work.create(usersKey, async (out) => {
        while (pending && count < input.batchSize) {
          declared += pending.numWallboxes;
          await writeInTurn(out, `${JSON.stringify(pending)}\n`);
          count++;
          pending = await nextWithWallboxes();
        }
        out.end();
      });
      batches.push({ index, first: listed, count, usersKey });
      listed += count;
    }
  } finally {
    // A list broken off (a store that fails) is closed, not left streaming in a warm container.
    await users.return?.();
  }
  const plan: DiscoveryPlan = {
    schemaVersion: 1,
    orgId: input.orgId,
    ...(input.organizationName ? { organizationName: input.organizationName } : {}),
    window: input.window,
    generatedAt: input.generatedAt.toISOString(),
    users: total,
    usersWithoutWallboxes: withoutWallboxes,
    batches,
  };
  await work.create(workKeys.discovery, async (out) => void out.end(`${JSON.stringify(plan)}\n`));
  // Another plan step may have stored its discovery first: that one is the run's.
  const stored = await readDiscoveryPlan(work);
  if (!stored) throw new WorkStoreError(`${workKeys.discovery} was neither created nor found: the work store lost it`);
  return stored;
}

export async function readDiscoveryPlan(work: WorkStore): Promise<DiscoveryPlan | undefined> {
  const text = await readWorkText(work, workKeys.discovery);
  return text === undefined ? undefined : parseStored(discoveryPlanSchema, text, workKeys.discovery);
}

/** A batch's users, in the users list's order, as many as the batch says. */
async function* batchUsers(work: WorkStore, batch: DiscoveryBatch): AsyncGenerator<OrgUser> {
  for await (const line of countedLines(work, batch.usersKey, batch.count, workKeys.discovery))
    yield parseStored(orgUserSchema, line, batch.usersKey);
}

export interface DiscoverBatchInput {
  reader: OrgReader;
  /** Users' wallbox lists asked for at once. */
  concurrency: number;
  /** Aborts when the step's time is nearly up: the batch then fails (`DiscoveryError`), never cut short. */
  deadline?: AbortSignal;
}

/**
 * Lists the wallboxes of one batch's users and stores them (wallbox config lines, and the
 * coverage lines of users whose count differs or whose list cannot be had), once: a batch whose
 * result is stored already does nothing.
 */
export async function discoverBatch(
  work: WorkStore,
  plan: DiscoveryPlan,
  batch: DiscoveryBatch,
  input: DiscoverBatchInput,
): Promise<{ status: "done"; result: DiscoveredBatch } | { status: "already done" }> {
  const marker = workKeys.discoveredBatch(batch.index);
  if (await hasWorkObject(work, marker)) return { status: "already done" };
  const attempt = randomUUID();
  const wallboxesKey = workKeys.discoveredWallboxes(batch.index, attempt);
  const gapsKey = workKeys.discoveredGaps(batch.index, attempt);
  let counts: Awaited<ReturnType<typeof listWallboxesOf>> | undefined;
  await work.create(wallboxesKey, async (wallboxesOut) => {
    await work.create(gapsKey, async (gapsOut) => {
      counts = await listWallboxesOf(batchUsers(work, batch), input.reader, plan.orgId, wallboxesOut, {
        concurrency: input.concurrency,
        gaps: gapLines(gapsOut),
        ...(input.deadline ? { deadline: input.deadline } : {}),
      });
      gapsOut.end();
    });
    wallboxesOut.end();
  });
  if (!counts) throw new WorkStoreError(`${wallboxesKey} was not created: batch ${batch.index + 1}'s wallboxes were lost`);
  const { coverage, ...listed } = counts;
  const result: DiscoveredBatch = { schemaVersion: 1, batch: batch.index, ...listed, coverage, wallboxesKey, gapsKey };
  const created = await work.create(marker, async (out) => void out.end(`${JSON.stringify(result)}\n`));
  return created ? { status: "done", result } : { status: "already done" };
}

/** A batch as the plan learns of it: listed, or failed for good (after the workflow's retries) with why. */
export type BatchOutcome = { index: number; status: "done" } | { index: number; status: "failed"; error: string };

export interface PlanDiscoveredInput {
  /** Each batch's outcome in batch order; a batch that failed makes each of its users a failed line. */
  outcomes: readonly BatchOutcome[];
  shardsFor: (wallboxes: number) => number;
  onDiscovered?: (summary: DiscoverySummary) => void;
}

/**
 * After the batches: the run's wallbox list (a JSON Lines config, `{"orgId"}` then each batch's
 * lines in order), its coverage lines, and its plan, stored once. The list is read back as the
 * config it is, so the run reports exactly the list it publishes.
 */
export async function planDiscovered(work: WorkStore, discovery: DiscoveryPlan, input: PlanDiscoveredInput): Promise<MonthPlanned> {
  const existing = await readPlan(work);
  if (existing) return { plan: existing };
  if (input.outcomes.length !== discovery.batches.length) {
    throw new WorkStoreError(`${input.outcomes.length} batch outcomes for the ${discovery.batches.length} batches of ${workKeys.discovery}`);
  }
  const attempt = randomUUID();
  const listKey = workKeys.wallboxList(attempt);
  const gapsKey = workKeys.coverageGaps(attempt);
  const measure = measuringStream();
  // Users without a wallbox count for the org, and differ from nothing.
  let coverage: Coverage = { ...new CoverageTally("partner-api", 0).result(), orgUsers: discovery.usersWithoutWallboxes };
  let listedWallboxes = 0;
  let miscountedUsers = 0;
  let firstFailure: string | undefined;
  await work.create(listKey, async (out) => {
    const piped = pipeline(measure, out);
    piped.catch(() => undefined);
    try {
      await writeInTurn(measure, `${JSON.stringify({ orgId: discovery.orgId })}\n`);
      await work.create(gapsKey, async (gapsOut) => {
        for (const batch of discovery.batches) {
          const outcome = input.outcomes[batch.index];
          if (outcome?.index !== batch.index) throw new WorkStoreError(`the outcome of batch ${batch.index + 1} is missing`);
          // A batch that stored its result counts as listed even if its step's answer was lost (as a shard's does).
          const stored = await hasWorkObject(work, workKeys.discoveredBatch(batch.index));
          const found =
            outcome.status === "failed" && !stored
              ? await failedBatch(work, batch, outcome.error, gapsOut)
              : await copyBatch(work, batch, measure, gapsOut);
          firstFailure ??= outcome.status === "failed" && !stored ? `batch ${batch.index + 1}: ${outcome.error}` : found.firstFailure;
          coverage = addCoverage(coverage, found.coverage);
          listedWallboxes += found.listedWallboxes;
          miscountedUsers += found.miscountedUsers;
        }
        gapsOut.end();
      });
      measure.end();
    } catch (error) {
      measure.destroy(error as Error);
      await piped.catch(() => undefined);
      throw error;
    }
    await piped;
  });
  if (listedWallboxes === 0) {
    throw new DiscoveryError(
      `the Partner API lists no wallbox for organisation ${discovery.orgId} (${discovery.users} users)${firstFailure ? `; the first that could not be listed: ${firstFailure}` : ""}`,
    );
  }
  input.onDiscovered?.({
    users: discovery.users,
    usersWithWallboxes: (coverage.orgUsers ?? 0) - discovery.usersWithoutWallboxes,
    declaredWallboxes: coverage.declaredWallboxes ?? 0,
    listedWallboxes,
    deletedWallboxes: coverage.deletedWallboxes ?? 0,
    miscountedUsers,
    usersNotListed: coverage.usersNotListed,
    coverage,
  });
  const lines = await openWorkLines(work, listKey);
  if (!lines) throw new WorkStoreError(`${listKey} is missing: this step has just written it`);
  const config = await parseConfigLines(lines, `the wallbox list discovered (${listKey})`);
  const planned = planShards(config.wallboxes, input.shardsFor(config.wallboxes.length));
  const plan: RunPlan = await planRun(work, {
    config,
    window: discovery.window,
    generatedAt: new Date(discovery.generatedAt),
    shards: planned.shards.length,
    planned,
    attempt,
    coverage: { ...coverage, ...(coverage.gaps > 0 ? { gapsKey } : {}) },
    wallboxList: { key: listKey, bytes: measure.bytes(), sha256: measure.sha256() },
    ...(discovery.organizationName ? { organizationName: discovery.organizationName } : {}),
  });
  return { plan, planned };
}

type BatchFound = Omit<DiscoveredBatch, "schemaVersion" | "batch" | "wallboxesKey" | "gapsKey">;

/** A listed batch's wallbox lines and coverage lines, copied on in order; its stored counts. */
async function copyBatch(work: WorkStore, batch: DiscoveryBatch, list: Writable, gaps: Writable): Promise<BatchFound> {
  const marker = workKeys.discoveredBatch(batch.index);
  const text = await readWorkText(work, marker);
  if (text === undefined) throw new WorkStoreError(`batch ${batch.index + 1} stored no result (${marker} is missing), yet its step says it did`);
  const result = parseStored(discoveredBatchSchema, text, marker);
  const copy = async (key: string, expected: number, out: Writable) => {
    for await (const line of countedLines(work, key, expected, marker)) await writeInTurn(out, `${line}\n`);
  };
  await copy(result.wallboxesKey, result.listedWallboxes, list);
  await copy(result.gapsKey, result.coverage.gaps, gaps);
  const { schemaVersion: _version, batch: _batch, wallboxesKey: _list, gapsKey: _gaps, ...found } = result;
  return found;
}

/** A batch whose step failed for good: each of its users a failed line, their wallboxes not covered. */
async function failedBatch(work: WorkStore, batch: DiscoveryBatch, error: string, gaps: Writable): Promise<BatchFound> {
  const tally = new CoverageTally("partner-api", 0);
  const write = gapLines(gaps);
  for await (const user of batchUsers(work, batch)) {
    const gap = tally.add({
      userId: user.userId,
      externalUserId: user.externalUserId,
      declared: user.numWallboxes,
      covered: 0,
      notListedBecause: `its batch of users failed: ${error}`,
    });
    await write(gap!);
  }
  return { listedWallboxes: 0, miscountedUsers: 0, coverage: tally.result() };
}
