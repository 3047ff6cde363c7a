import pMap from "p-map";
import type { WallboxRef } from "../domain/config/index.ts";
import { ZERO } from "../domain/money/index.ts";
import type { MonthWindow } from "../domain/month/index.ts";
import { assertWallboxEntry, WallboxEntryArena, type WallboxOutcome, wallboxEntry } from "../domain/report/index.ts";
import { chronological, type SessionsReader, WallboxReadError } from "../domain/sessions/index.ts";
import { type CaveatSavings, CaveatSavingsTotal, type ExactSavings, FiguresTotal, summarizeSessions } from "../domain/summary/index.ts";
import type { SessionSpool } from "../ports/index.ts";

export type WallboxProgress = {
  done: number;
  total: number;
  wallbox: WallboxRef;
  durationMs: number;
} & ({ status: "ok"; sessions: number; savingsEur: string } | { status: "failed"; error: string });

export interface ReadWallboxesInput {
  orgId: string;
  wallboxes: readonly WallboxRef[];
  window: MonthWindow;
  reader: SessionsReader;
  /** Keeps the month's sessions read until they are written, so they are never all in memory. */
  spool: SessionSpool;
  /** Keeps the sessions read that started in a neighbouring month, for their Data quality lines. */
  outsideSpool: SessionSpool;
  concurrency: number;
  /**
   * When this aborts (the run's time is nearly up), wallboxes not read by then are reported as
   * failed with the signal's reason.
   */
  deadline?: AbortSignal;
  /** Called as each wallbox is done; `done` and `total` count this call's wallboxes. */
  onWallbox?: (progress: WallboxProgress) => void;
}

/** Wallboxes read: their entries (by position in the list), the sums of their figures, and which were read. */
export interface WallboxesRead {
  entries: WallboxEntryArena;
  totals: FiguresTotal;
  /** 1 where the wallbox at that position was read, 0 where it failed. */
  read: Uint8Array;
  /** The exact sum of every session's savings read, before the wallboxes' rounding (for the reconciliation line). */
  unroundedSavingsEur: string;
  /** The savings of the sessions behind each money caveat (open, incomplete price coverage). */
  caveatSavingsEur: CaveatSavings;
}

function deadlineReason(deadline: AbortSignal): string {
  return deadline.reason instanceof Error ? deadline.reason.message : "not read: the run reached its time limit";
}

/**
 * Reads the wallboxes (bounded concurrency) and summarizes each. A wallbox that cannot be read is
 * an entry with status "failed"; any other error (bad credentials, a bug) rejects.
 */
export async function readWallboxes(input: ReadWallboxesInput): Promise<WallboxesRead> {
  const { wallboxes, window, deadline, spool, outsideSpool } = input;
  // Per wallbox, only compact bytes and running sums stay in memory while the month is read.
  const entries = new WallboxEntryArena();
  const totals = new FiguresTotal();
  let unrounded = ZERO;
  const caveatSavings = new CaveatSavingsTotal();
  const read = new Uint8Array(wallboxes.length);
  let done = 0;
  await pMap(
    wallboxes,
    async (wallbox, position): Promise<void> => {
      const started = performance.now();
      let outcome: WallboxOutcome;
      // The wallbox's exact savings before rounding; counted only once the wallbox is read for good.
      let exact: ExactSavings | undefined;
      let sessionCount = 0;
      try {
        if (deadline?.aborted) throw new WallboxReadError(deadlineReason(deadline));
        const summary = summarizeSessions(await input.reader.listSessions(input.orgId, wallbox, window), window);
        outcome = { wallbox, status: "ok", figures: summary.figures };
        exact = summary.exact;
        sessionCount = summary.counted.length;
        // The sessions wait on disk for the writers.
        await spool.put(position, chronological(summary.counted));
        if (summary.outside.length > 0) await outsideSpool.put(position, chronological(summary.outside));
      } catch (error) {
        const reason = error instanceof WallboxReadError ? error.message : deadline?.aborted ? deadlineReason(deadline) : undefined;
        if (reason === undefined) throw error;
        outcome = { wallbox, status: "failed", error: reason };
      }
      done++;
      const common = { done, total: wallboxes.length, wallbox, durationMs: performance.now() - started };
      input.onWallbox?.(
        outcome.status === "ok"
          ? { ...common, status: "ok", sessions: sessionCount, savingsEur: outcome.figures.savingsEur }
          : { ...common, status: "failed", error: outcome.error },
      );
      // The entry is made and checked now, wallbox by wallbox, and kept as compact bytes.
      entries.put(position, assertWallboxEntry(wallboxEntry(outcome), position));
      if (outcome.status === "ok") {
        totals.add(outcome.figures);
        unrounded = unrounded.plus(exact!.savings);
        caveatSavings.addExact(exact!);
        read[position] = 1;
      }
    },
    { concurrency: input.concurrency },
  );
  await Promise.all([spool.flush(), outsideSpool.flush()]);
  return { entries, totals, read, unroundedSavingsEur: unrounded.toFixed(), caveatSavingsEur: caveatSavings.result() };
}
