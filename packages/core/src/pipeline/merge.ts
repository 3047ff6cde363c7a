import { z } from "zod";
import { parseDecimal, ZERO } from "../domain/money/index.ts";
import { type Coverage, type CoverageGap, coverageGapSchema, uncheckedCoverage } from "../domain/org/index.ts";
import {
  assertReportHead,
  assertWallboxEntry,
  decodeWallboxEntry,
  modelSummaries,
  reportHead,
  type WallboxEntries,
  type WallboxReport,
  wallboxEntry,
} from "../domain/report/index.ts";
import type { SessionSource } from "../domain/sessions/index.ts";
import { type CollectedRun, type RunPlan, WorkStoreError, workKeys } from "../domain/shards/index.ts";
import { CaveatSavingsTotal, FiguresTotal } from "../domain/summary/index.ts";
import { openWorkLines, type WorkStore } from "../ports/index.ts";
import { collectedHeaders } from "./collect.ts";
import type { ReportContent } from "./monthly-report.ts";
import { shardSessions, type WallboxesOf, wallboxesFromStore } from "./shards.ts";
import { countedLines, parseStored } from "./stored.ts";
import { storedDetail } from "./stored-detail.ts";

export interface MergeInput {
  /** Names the data source in the workbook (an URL, never credentials). */
  source: string;
  /** A shard's wallboxes when the caller has them in memory already (see `ShardInput.wallboxes`). */
  wallboxesOf?: WallboxesOf;
}

/**
 * The merge step's view of a run: the report's head from the shards' headers, its entries and
 * sessions streamed from their partial results in plan order, exactly as one process would have
 * them, and the session detail's parts as their steps wrote them. A shard that stored no result
 * makes each of its wallboxes a failed entry: the report is incomplete, never short of rows.
 */
export async function mergedReport(store: WorkStore, plan: RunPlan, collected: CollectedRun, input: MergeInput): Promise<ReportContent> {
  const headers = collectedHeaders(collected);
  const wallboxesOf = input.wallboxesOf ?? wallboxesFromStore(store);
  const totals = new FiguresTotal();
  let unrounded = ZERO;
  const caveats = new CaveatSavingsTotal();
  let failed = 0;
  for (const [index, header] of headers.entries()) {
    if (header) {
      totals.add(header.totals);
      unrounded = unrounded.plus(parseDecimal(header.unroundedSavingsEur));
      caveats.add(header.caveatSavingsEur);
      failed += header.failed;
    } else failed += plan.shards[index]!.count;
  }
  const detail = await storedDetail(store, collected);

  const entries: WallboxEntries = {
    count: plan.wallboxes,
    failed,
    async *read(): AsyncGenerator<WallboxReport> {
      let position = 0;
      for (const [index, shard] of plan.shards.entries()) {
        const outcome = collected.shards[index]!;
        if (outcome.status === "failed") {
          for (const wallbox of await wallboxesOf(shard)) {
            yield assertWallboxEntry(wallboxEntry({ wallbox, status: "failed", error: outcome.error }), position++);
          }
          continue;
        }
        const key = workKeys.shardEntries(shard.index);
        const lines = await openWorkLines(store, key);
        if (!lines) throw new WorkStoreError(`${key} is missing: ${workKeys.collected} names it`);
        await lines.next(); // the header
        let count = 0;
        for await (const line of lines) {
          yield assertWallboxEntry(decodeWallboxEntry(parseStored(entryLineSchema, line, key)), position++);
          count++;
        }
        if (count !== shard.count) throw new WorkStoreError(`${key} holds ${count} entries, the plan says ${shard.count}`);
      }
    },
  };

  const sessions: SessionSource = () => shardSessions(store, plan, headers, wallboxesOf);

  const coverage = plan.coverage ?? uncheckedCoverage("the run was planned before coverage was checked");
  const report = assertReportHead(
    reportHead({
      orgId: plan.orgId,
      window: plan.window,
      generatedAt: new Date(plan.generatedAt),
      totals: totals.result(),
      wallboxCounts: { listed: plan.wallboxes, failed },
      caveatSavingsEur: caveats.result(),
      coverage: coverageCounts(coverage),
      // One pass over the entries: models are few, and each shard's wallboxes carry theirs.
      byModel: await modelSummaries(entries),
    }),
  );
  return {
    report,
    wallboxes: entries,
    window: plan.window,
    source: input.source,
    sessions,
    detail,
    coverageGaps: () => storedCoverageGaps(store, coverage),
    ...(plan.wallboxList ? { wallboxList: { store, ...plan.wallboxList } } : {}),
    unroundedSavingsEur: unrounded.toFixed(),
    ...(plan.organizationName ? { organizationName: plan.organizationName } : {}),
  };
}

/** The coverage of the plan as the report states it (the counts, without where the lines are kept). */
const coverageCounts = ({ gapsKey: _key, ...counts }: NonNullable<RunPlan["coverage"]>): Coverage => counts;

/** The coverage lines the plan stored, as many as it counts. */
async function* storedCoverageGaps(store: WorkStore, coverage: NonNullable<RunPlan["coverage"]>): AsyncGenerator<CoverageGap> {
  if (coverage.gaps === 0) return;
  const key = coverage.gapsKey;
  if (key === undefined) throw new WorkStoreError(`${workKeys.plan} counts ${coverage.gaps} coverage lines and names no object that holds them`);
  for await (const line of countedLines(store, key, coverage.gaps, workKeys.plan)) yield parseStored(coverageGapSchema, line, key);
}

/** An entry line is the entry's values; `decodeWallboxEntry` and the entry's schema check the rest. */
const entryLineSchema = z.array(z.unknown());
