import { type Decimal, parseDecimal, roundEur, roundKwh, ZERO } from "../money/index.ts";
import { type MonthWindow, startsWithin } from "../month/index.ts";
import { OUTCOMES, type Outcome, type Session } from "../sessions/index.ts";

/** The figures of one wallbox's month, or of the org; money and energy as rounded decimal text. */
export interface Figures {
  sessions: number;
  outcomes: Record<Outcome, number>;
  energyFromSolarKwh: string;
  savingsEur: string;
  commandsSent: number;
  commandsApplied: number;
  commandsIneffective: number;
  sessionsWithoutSavings: number;
  sessionsWithIncompletePriceCoverage: number;
  openSessions: number;
  /** Sessions the API returned for the query days that started in a neighbouring month: in no other figure. */
  sessionsOutsideMonth: number;
}

function zeroOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

/** The data-quality flags of one session, shared by the summary counts and the Data quality sheet. */
export function qualityFlags(session: Session) {
  return {
    withoutSavings: session.savingsEur === null,
    incompletePriceCoverage: session.hasCompletePriceCoverage !== true,
    open: session.endedAt === null,
  };
}

/**
 * The sessions the API returned for the query days, split by when they started: those of the
 * month count; the others started in a neighbouring month (the query days reach past a month
 * that is not UTC's, or the API returned more than it was asked for) and count in no figure.
 */
export function splitByMonth(sessions: readonly Session[], window: MonthWindow): { counted: Session[]; outside: Session[] } {
  const inMonth = startsWithin(window);
  const counted: Session[] = [];
  const outside: Session[] = [];
  for (const session of sessions) (inMonth(session.startedAt) ? counted : outside).push(session);
  return { counted, outside };
}

/** What a wallbox's month sums to before its rounding: all its savings, and the savings behind each money caveat. */
export interface ExactSavings {
  /** What a plain sum of the Sessions sheet shows. */
  savings: Decimal;
  open: Decimal;
  incompletePriceCoverage: Decimal;
}

/** One wallbox's month: its figures, its exact savings, and its sessions split by month (see `splitByMonth`). */
export interface WallboxSummary {
  figures: Figures;
  exact: ExactSavings;
  /** The sessions of the month, which the figures sum. */
  counted: Session[];
  /** The sessions returned that started in a neighbouring month. */
  outside: Session[];
}

/**
 * One wallbox's month: the sessions that started in it, every value summed exactly, then rounded
 * once (EUR to the cent, kWh to the Wh, ties away from zero). A null energy or savings adds
 * nothing and is counted where it matters. The same pass keeps the exact savings before rounding,
 * for the reconciliation and the caveats.
 */
export function summarizeSessions(returned: readonly Session[], window: MonthWindow): WallboxSummary {
  const { counted: sessions, outside } = splitByMonth(returned, window);
  const outcomes = zeroOutcomes();
  const figures = {
    commandsSent: 0,
    commandsApplied: 0,
    commandsIneffective: 0,
    sessionsWithoutSavings: 0,
    sessionsWithIncompletePriceCoverage: 0,
    openSessions: 0,
    sessionsOutsideMonth: outside.length,
  };
  let energy = ZERO;
  const exact: ExactSavings = { savings: ZERO, open: ZERO, incompletePriceCoverage: ZERO };
  for (const session of sessions) {
    outcomes[session.outcome] += 1;
    figures.commandsSent += session.commandsSent;
    figures.commandsApplied += session.commandsApplied;
    figures.commandsIneffective += session.commandsIneffective;
    const flags = qualityFlags(session);
    if (flags.withoutSavings) figures.sessionsWithoutSavings += 1;
    if (flags.incompletePriceCoverage) figures.sessionsWithIncompletePriceCoverage += 1;
    if (flags.open) figures.openSessions += 1;
    if (session.energyFromSolarKwh !== null) energy = energy.plus(parseDecimal(session.energyFromSolarKwh));
    if (session.savingsEur !== null) {
      const savings = parseDecimal(session.savingsEur);
      exact.savings = exact.savings.plus(savings);
      if (flags.open) exact.open = exact.open.plus(savings);
      if (flags.incompletePriceCoverage) exact.incompletePriceCoverage = exact.incompletePriceCoverage.plus(savings);
    }
  }
  return {
    figures: { sessions: sessions.length, outcomes, energyFromSolarKwh: roundKwh(energy), savingsEur: roundEur(exact.savings), ...figures },
    exact,
    counted: sessions,
    outside,
  };
}

/** One wallbox's figures (see `summarizeSessions`). */
export const summarizeWallbox = (sessions: readonly Session[], window: MonthWindow): Figures => summarizeSessions(sessions, window).figures;

/** The savings of the sessions behind each money caveat, exactly (decimal texts): what may still change or be understated. */
export interface CaveatSavings {
  /** Sessions still open when read. */
  open: string;
  /** Sessions without complete price coverage. */
  incompletePriceCoverage: string;
}

/** Adds up, exactly, the savings of the sessions each caveat concerns. */
export class CaveatSavingsTotal {
  private open = ZERO;
  private incomplete = ZERO;

  addExact(exact: ExactSavings): void {
    this.open = this.open.plus(exact.open);
    this.incomplete = this.incomplete.plus(exact.incompletePriceCoverage);
  }

  add(other: CaveatSavings): void {
    this.open = this.open.plus(parseDecimal(other.open));
    this.incomplete = this.incomplete.plus(parseDecimal(other.incompletePriceCoverage));
  }

  result(): CaveatSavings {
    return { open: this.open.toFixed(), incompletePriceCoverage: this.incomplete.toFixed() };
  }
}

const COUNTED = [
  "sessions",
  "commandsSent",
  "commandsApplied",
  "commandsIneffective",
  "sessionsWithoutSavings",
  "sessionsWithIncompletePriceCoverage",
  "openSessions",
  "sessionsOutsideMonth",
] as const satisfies readonly (keyof Figures)[];

/**
 * Org totals, added wallbox by wallbox as each is read, so no list of every wallbox's figures is
 * needed: exact sums of the already-rounded wallbox figures, so totals reconcile with their rows.
 * Exact addition does not depend on order, so the totals do not either.
 */
export class FiguresTotal {
  private readonly counts = Object.fromEntries(COUNTED.map((key) => [key, 0])) as Record<(typeof COUNTED)[number], number>;
  private readonly outcomes = zeroOutcomes();
  private energy = ZERO;
  private savings = ZERO;

  add(figures: Figures): void {
    for (const key of COUNTED) this.counts[key] += figures[key];
    for (const outcome of OUTCOMES) this.outcomes[outcome] += figures.outcomes[outcome];
    this.energy = this.energy.plus(parseDecimal(figures.energyFromSolarKwh));
    this.savings = this.savings.plus(parseDecimal(figures.savingsEur));
  }

  /** The totals so far, in the key order of a wallbox's figures; already-rounded inputs keep them exact at 3 and 2 decimals. */
  result(): Figures {
    const { sessions, ...counts } = this.counts;
    return {
      sessions,
      outcomes: { ...this.outcomes },
      energyFromSolarKwh: this.energy.toFixed(3),
      savingsEur: this.savings.toFixed(2),
      ...counts,
    };
  }
}

/** Org totals of a list of wallbox figures (see `FiguresTotal`). */
export function sumFigures(all: Iterable<Figures>): Figures {
  const total = new FiguresTotal();
  for (const figures of all) total.add(figures);
  return total.result();
}
