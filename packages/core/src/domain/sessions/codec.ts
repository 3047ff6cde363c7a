import { classifyOutcome, type Session } from "./schema.ts";

/** A session as a compact JSON array, for spooling; every decimal keeps its exact text. */
export type EncodedSession = [
  id: number,
  ocppTransactionId: number | null,
  startedAt: string,
  endedAt: string | null,
  finalHemsState: string,
  rawOutcome: string | null,
  energyFromSolarKwh: string | null,
  savingsEur: string | null,
  hasCompletePriceCoverage: boolean | null,
  commandsSent: number,
  commandsApplied: number,
  commandsIneffective: number,
];

export function encodeSession(session: Session): EncodedSession {
  return [
    session.id,
    session.ocppTransactionId,
    session.startedAt,
    session.endedAt,
    session.finalHemsState,
    session.rawOutcome,
    session.energyFromSolarKwh,
    session.savingsEur,
    session.hasCompletePriceCoverage,
    session.commandsSent,
    session.commandsApplied,
    session.commandsIneffective,
  ];
}

export function decodeSession(encoded: EncodedSession): Session {
  const [
    id,
    ocppTransactionId,
    startedAt,
    endedAt,
    finalHemsState,
    rawOutcome,
    energyFromSolarKwh,
    savingsEur,
    coverage,
    sent,
    applied,
    ineffective,
  ] = encoded;
  return {
    id,
    ocppTransactionId,
    startedAt,
    endedAt,
    finalHemsState,
    outcome: classifyOutcome(rawOutcome),
    rawOutcome,
    energyFromSolarKwh,
    savingsEur,
    hasCompletePriceCoverage: coverage,
    commandsSent: sent,
    commandsApplied: applied,
    commandsIneffective: ineffective,
  };
}
