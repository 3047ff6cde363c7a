import { z } from "zod";
import { jsonDecimal } from "../../shared/exact-json/index.ts";

/** The outcomes the contract names (WBHEMSSessionOutcome). */
export const KNOWN_OUTCOMES = ["charged_from_solar", "no_surplus", "steering_ineffective", "aborted"] as const;
export type KnownOutcome = (typeof KNOWN_OUTCOMES)[number];
/** `unknown` gathers null and any value the contract does not (yet) name, so a new value never stops a run. */
export type Outcome = KnownOutcome | "unknown";
export const OUTCOMES: readonly Outcome[] = [...KNOWN_OUTCOMES, "unknown"];

export function classifyOutcome(raw: string | null): Outcome {
  return raw !== null && (KNOWN_OUTCOMES as readonly string[]).includes(raw) ? (raw as KnownOutcome) : "unknown";
}

const dateTime = z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time with a time zone" });
const count = z.number().int().nonnegative();

/** One item of `HEMSSessionsListResponse.items`, as the contract has it; unknown extra fields are ignored. */
export const apiSessionSchema = z
  .object({
    id: z.number().int(),
    ocpp_transaction_id: z.number().int().nullable(),
    started_at: dateTime,
    ended_at: dateTime.nullable(),
    final_hems_state: z.string(),
    outcome: z.string().nullable(),
    energy_from_solar_kwh: jsonDecimal.nullable(),
    savings_eur: jsonDecimal.nullable(),
    has_complete_price_coverage: z.boolean().nullable(),
    commands_sent: count,
    commands_applied: count,
    commands_ineffective: count,
  })
  .transform((item) => ({
    id: item.id,
    ocppTransactionId: item.ocpp_transaction_id,
    startedAt: item.started_at,
    endedAt: item.ended_at,
    finalHemsState: item.final_hems_state,
    outcome: classifyOutcome(item.outcome),
    rawOutcome: item.outcome,
    energyFromSolarKwh: item.energy_from_solar_kwh,
    savingsEur: item.savings_eur,
    hasCompletePriceCoverage: item.has_complete_price_coverage,
    commandsSent: item.commands_sent,
    commandsApplied: item.commands_applied,
    commandsIneffective: item.commands_ineffective,
  }));

/** A session as the report uses it: camelCase, decimals as exact text, outcome classified. */
export type Session = z.output<typeof apiSessionSchema>;

export const apiSessionPageSchema = z.object({
  total: count,
  items: z.array(apiSessionSchema),
});
export type SessionPage = z.output<typeof apiSessionPageSchema>;
