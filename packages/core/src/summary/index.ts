import { parseDecimal, roundEur, roundKwh, sum, sumFixed } from "../money/index.ts";
import { type MonthWindow, startedWithin } from "../month/index.ts";
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
  sessionsStartedOutsidePeriod: number;
}

function zeroOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

/** The data-quality flags of one session, shared by the summary counts and the Data quality sheet. */
export function qualityFlags(session: Session, window: MonthWindow) {
  return {
    withoutSavings: session.savingsEur === null,
    incompletePriceCoverage: session.hasCompletePriceCoverage !== true,
    open: session.endedAt === null,
    startedOutsidePeriod: !startedWithin(session.startedAt, window),
  };
}

/**
 * One wallbox's month: every value summed exactly, then rounded once (EUR to the cent, kWh to the
 * Wh, ties away from zero). A null energy or savings adds nothing and is counted where it matters.
 */
export function summarizeWallbox(sessions: readonly Session[], window: MonthWindow): Figures {
  const outcomes = zeroOutcomes();
  const figures = {
    commandsSent: 0,
    commandsApplied: 0,
    commandsIneffective: 0,
    sessionsWithoutSavings: 0,
    sessionsWithIncompletePriceCoverage: 0,
    openSessions: 0,
    sessionsStartedOutsidePeriod: 0,
  };
  for (const session of sessions) {
    outcomes[session.outcome] += 1;
    figures.commandsSent += session.commandsSent;
    figures.commandsApplied += session.commandsApplied;
    figures.commandsIneffective += session.commandsIneffective;
    const flags = qualityFlags(session, window);
    if (flags.withoutSavings) figures.sessionsWithoutSavings += 1;
    if (flags.incompletePriceCoverage) figures.sessionsWithIncompletePriceCoverage += 1;
    if (flags.open) figures.openSessions += 1;
    if (flags.startedOutsidePeriod) figures.sessionsStartedOutsidePeriod += 1;
  }
  const decimals = (values: (string | null)[]) => sum(values.filter((value): value is string => value !== null).map(parseDecimal));
  return {
    sessions: sessions.length,
    outcomes,
    energyFromSolarKwh: roundKwh(decimals(sessions.map((session) => session.energyFromSolarKwh))),
    savingsEur: roundEur(decimals(sessions.map((session) => session.savingsEur))),
    ...figures,
  };
}

/** Org totals: exact sums of the already-rounded wallbox figures, so totals reconcile with their rows. */
export function sumFigures(all: readonly Figures[]): Figures {
  const outcomes = zeroOutcomes();
  const countOf = (pick: (figures: Figures) => number) => all.reduce((total, figures) => total + pick(figures), 0);
  for (const figures of all) for (const outcome of OUTCOMES) outcomes[outcome] += figures.outcomes[outcome];
  return {
    sessions: countOf((figures) => figures.sessions),
    outcomes,
    energyFromSolarKwh: sumFixed(
      all.map((figures) => figures.energyFromSolarKwh),
      3,
    ),
    savingsEur: sumFixed(
      all.map((figures) => figures.savingsEur),
      2,
    ),
    commandsSent: countOf((figures) => figures.commandsSent),
    commandsApplied: countOf((figures) => figures.commandsApplied),
    commandsIneffective: countOf((figures) => figures.commandsIneffective),
    sessionsWithoutSavings: countOf((figures) => figures.sessionsWithoutSavings),
    sessionsWithIncompletePriceCoverage: countOf((figures) => figures.sessionsWithIncompletePriceCoverage),
    openSessions: countOf((figures) => figures.openSessions),
    sessionsStartedOutsidePeriod: countOf((figures) => figures.sessionsStartedOutsidePeriod),
  };
}
