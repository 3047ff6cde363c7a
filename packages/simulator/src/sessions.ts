import type { LosslessNumber } from "lossless-json";
import { generator, seedOf } from "./random.ts";

/** One item as the contract's `HEMSSessionItem`; a `LosslessNumber` lets tests send exact literals. */
export interface ApiSessionItem {
  id: number;
  ocpp_transaction_id: number | null;
  started_at: string;
  ended_at: string | null;
  final_hems_state: string;
  outcome: string | null;
  energy_from_solar_kwh: number | LosslessNumber | null;
  savings_eur: number | LosslessNumber | null;
  has_complete_price_coverage: boolean | null;
  commands_sent: number;
  commands_applied: number;
  commands_ineffective: number;
  [extra: string]: unknown;
}

const DAY_MS = 86_400_000;

/** Sessions a day for this wallbox: most are light users, some idle, a few charge several times a day. */
function dailyRate(seed: string, wallboxId: string): number {
  const random = generator(seedOf(seed, wallboxId, "profile"));
  const kind = random();
  if (kind < 0.08) return 0;
  if (kind < 0.85) return 0.2 + random() * 1.3;
  return 3 + random() * 5;
}

function poisson(rate: number, random: () => number): number {
  const limit = Math.exp(-rate);
  let count = 0;
  for (let product = random(); product > limit && count < 50; product *= random()) count++;
  return count;
}

const round = (value: number, places: number) => Number(value.toFixed(places));

function session(random: () => number, dayStart: number, index: number, dayNumber: number): ApiSessionItem {
  const startedAt = dayStart + Math.floor(random() * (DAY_MS - 60_000));
  const durationMs = (20 + Math.floor(random() * 400)) * 60_000;
  const pick = random();
  const outcome =
    pick < 0.55 ? "charged_from_solar" : pick < 0.78 ? "no_surplus" : pick < 0.87 ? "steering_ineffective" : pick < 0.96 ? "aborted" : null;
  const open = random() < 0.02;
  const sent = outcome === "no_surplus" ? 0 : 1 + Math.floor(random() * 20);
  const applied = outcome === "steering_ineffective" || sent === 0 ? 0 : 1 + Math.floor(random() * sent);
  const ineffective = outcome === "steering_ineffective" ? sent : Math.floor(random() * (sent - applied + 1));
  const charged = outcome === "charged_from_solar" || (outcome === "aborted" && random() < 0.5);
  const energy = charged ? round(0.3 + random() * 38, 4) : 0;
  const pricePick = random();
  const coverage = pricePick < 0.86 ? true : pricePick < 0.95 ? false : null;
  const savings = random() < 0.05 ? null : charged ? round(energy * (0.05 + random() * 0.3) * (coverage === true ? 1 : 0.6), 4) : 0;
  return {
    id: dayNumber * 100 + index,
    ocpp_transaction_id: random() < 0.1 ? null : 100_000 + Math.floor(random() * 900_000),
    started_at: new Date(startedAt).toISOString(),
    ended_at: open ? null : new Date(startedAt + durationMs).toISOString(),
    final_hems_state: open ? "charging" : outcome === "aborted" ? "aborted" : "finished",
    outcome,
    energy_from_solar_kwh: energy,
    savings_eur: savings,
    has_complete_price_coverage: coverage,
    commands_sent: sent,
    commands_applied: applied,
    commands_ineffective: ineffective,
  };
}

/**
 * The sessions a wallbox started on the UTC days `from` to `to` (inclusive), generated day by day
 * from the seed: the same seed, wallbox and day always give the same sessions, whatever window is asked.
 */
export function generateSessions(seed: string, wallboxId: string, from: string, to: string): ApiSessionItem[] {
  const rate = dailyRate(seed, wallboxId);
  const items: ApiSessionItem[] = [];
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += DAY_MS) {
    const dayNumber = day / DAY_MS;
    const random = generator(seedOf(seed, wallboxId, String(dayNumber)));
    const count = Math.min(99, poisson(rate, random));
    const daySessions = Array.from({ length: count }, (_, index) => session(random, day, index, dayNumber));
    items.push(...daySessions.sort((a, b) => a.started_at.localeCompare(b.started_at)));
  }
  return items;
}
