import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import type { ReportConfig } from "../domain/config/index.ts";
import type { MonthWindow } from "../domain/month/index.ts";
import type { Coverage, OrgReader } from "../domain/org/index.ts";
import { uncheckedCoverage } from "../domain/org/index.ts";
import type { SessionsReader } from "../domain/sessions/index.ts";
import { planShards, type RunPlan, type ShardPlan, workKeys } from "../domain/shards/index.ts";
import type { WorkStore } from "../ports/index.ts";
import { CredentialsError, DiscoveryError, WorkStoreError } from "../shared/errors/index.ts";
import { checkConfigCoverage, type DiscoverySummary, type GapWriter, gapLines } from "./discover.ts";
import { discoverBatch, planDiscovered, planDiscovery } from "./discovery.ts";
import { planRun, readPlan } from "./shards.ts";

/** Where a run's wallboxes come from: a config someone maintains, or the Partner API (every wallbox of the org's users). */
export type WallboxSource =
  /** `selected`: an on-demand run of some of the config's wallboxes, which reports no coverage (full runs do). */
  { from: "config"; config: ReportConfig; selected?: boolean } | { from: "partner-api"; orgId: string };

export interface PlanMonthInput {
  wallboxes: WallboxSource;
  reader: SessionsReader & OrgReader;
  window: MonthWindow;
  /** Comes from the caller so the same input gives byte-identical output. */
  generatedAt: Date;
  /** How many shards a run of this many wallboxes has; it may refuse a run too large (it throws). */
  shardsFor: (wallboxes: number) => number;
  /** How many users' wallbox lists are asked for at once (discovery). */
  concurrency: number;
  /** Aborts when the step's time is nearly up: discovery then stops the run (`DiscoveryError`), never a partial list. */
  deadline?: AbortSignal;
  /** Called once the wallboxes were found through the Partner API. */
  onDiscovered?: (summary: DiscoverySummary) => void;
}

export interface MonthPlanned {
  plan: RunPlan;
  /** The run's wallboxes split, when this call made the plan (a plan found stored has them only in the store). */
  planned?: ShardPlan;
}

/**
 * The plan step's use case, whatever the door: asks for the organisation (an API or credentials
 * that cannot be used stop the run here), takes the wallboxes from the config or discovers them,
 * checks them against what Podero counts for the org, and stores the plan. Done once per run: a
 * plan already stored is the answer.
 */
export async function planMonth(work: WorkStore, input: PlanMonthInput): Promise<MonthPlanned> {
  const existing = await readPlan(work);
  if (existing) return { plan: existing };
  const orgId = input.wallboxes.from === "config" ? input.wallboxes.config.orgId : input.wallboxes.orgId;
  const organizationName = (await input.reader.organization(orgId))?.name;
  if (input.wallboxes.from === "partner-api") return discoverInTurn(work, input, orgId, organizationName);
  const { config, selected } = input.wallboxes;
  const attempt = randomUUID();
  const gapsKey = workKeys.coverageGaps(attempt);
  const coverage = selected
    ? uncheckedCoverage(`a run of ${config.wallboxes.length} selected wallboxes: runs of the whole config check it`)
    : await configCoverage(work, gapsKey, input.reader, config);
  const planned = planShards(config.wallboxes, input.shardsFor(config.wallboxes.length));
  const plan = await planRun(work, {
    config,
    window: input.window,
    generatedAt: input.generatedAt,
    shards: planned.shards.length,
    planned,
    attempt,
    coverage: { ...coverage, ...(coverage.gaps > 0 ? { gapsKey } : {}) },
    ...(organizationName ? { organizationName } : {}),
  });
  return { plan, planned };
}

/** Writes the coverage lines to `key` as the check finds them; nothing is stored when the check cannot be made. */
async function withGapsObject(work: WorkStore, key: string, check: (gaps: GapWriter) => Promise<Coverage>): Promise<Coverage> {
  let coverage: Coverage | undefined;
  await work.create(key, async (out: Writable) => {
    coverage = await check(gapLines(out));
    out.end();
  });
  if (!coverage) throw new WorkStoreError(`${key} was not created: the coverage check's lines were lost`);
  return coverage;
}

async function configCoverage(work: WorkStore, key: string, reader: OrgReader, config: ReportConfig): Promise<Coverage> {
  try {
    return await withGapsObject(work, key, (gaps) => checkConfigCoverage(reader, config, gaps));
  } catch (error) {
    // A users list that cannot be read (or that the credentials may not read) leaves the config's
    // coverage unchecked, said in the report; the run goes on. An outage is retried as any other.
    if (error instanceof DiscoveryError || error instanceof CredentialsError) return uncheckedCoverage(error.message);
    throw error;
  }
}

/** Users a batch of discovery holds in this process (in the cloud, `HEMS_SHARD_SIZE`: each batch a child of the workflow's Map). */
export const DISCOVERY_BATCH_USERS = 2_000;

/** Discovery's three steps in this process, one batch after another (each at `concurrency`). */
async function discoverInTurn(work: WorkStore, input: PlanMonthInput, orgId: string, organizationName: string | undefined): Promise<MonthPlanned> {
  const discovery = await planDiscovery(work, input.reader, {
    orgId,
    ...(organizationName ? { organizationName } : {}),
    window: input.window,
    generatedAt: input.generatedAt,
    batchSize: DISCOVERY_BATCH_USERS,
  });
  for (const batch of discovery.batches) {
    await discoverBatch(work, discovery, batch, {
      reader: input.reader,
      concurrency: input.concurrency,
      ...(input.deadline ? { deadline: input.deadline } : {}),
    });
  }
  return planDiscovered(work, discovery, {
    outcomes: discovery.batches.map((batch) => ({ index: batch.index, status: "done" })),
    shardsFor: input.shardsFor,
    ...(input.onDiscovered ? { onDiscovered: input.onDiscovered } : {}),
  });
}
