import { clientCredentialsToken, type HttpDeps, PartnerApiClient, type TokenSource, undiciSend } from "@hems-reports/core/adapters/partner-api";
import { type MonthWindow, monthWindow } from "@hems-reports/core/domain/month";
import type { Coverage } from "@hems-reports/core/domain/org";
import { type ApiSessionItem, type Simulator, uuidOf } from "@hems-reports/simulator";

export const OCTOBER: MonthWindow = monthWindow("2026-10");
export const ORG_ID = uuidOf("tests", "org");

/** A report head's coverage when its config covers every wallbox Podero counts (fixtures of a head that only a few fields matter in). */
export const FULL_COVERAGE: Coverage = {
  wallboxesFrom: "config",
  notCheckedBecause: null,
  orgUsers: 1,
  declaredWallboxes: 1,
  deletedWallboxes: null,
  notCovered: 0,
  usersNotListed: 0,
  gaps: 0,
};

export function wallboxRef(name: string, label?: string) {
  return { userId: uuidOf("tests", "user", name), wallboxId: uuidOf("tests", "wallbox", name), ...(label ? { label } : {}) };
}

/** A contract-shaped session item started in October 2026. */
export function sessionItem(id: number, fields: Partial<ApiSessionItem> = {}): ApiSessionItem {
  const started = new Date(Date.UTC(2026, 9, 1) + (id % 30) * 86_400_000 + 3_600_000);
  return {
    id,
    ocpp_transaction_id: 1000 + id,
    started_at: started.toISOString(),
    ended_at: new Date(started.getTime() + 3_600_000).toISOString(),
    final_hems_state: "finished",
    outcome: "charged_from_solar",
    energy_from_solar_kwh: 1.5,
    savings_eur: 0.25,
    has_complete_price_coverage: true,
    commands_sent: 3,
    commands_applied: 2,
    commands_ineffective: 1,
    ...fields,
  };
}

export function sessionItems(count: number, firstId = 1): ApiSessionItem[] {
  return Array.from({ length: count }, (_, index) => sessionItem(firstId + index));
}

/** Retries without real waiting, and a short timeout, so failure paths stay fast. */
export function fastHttp(overrides: Partial<HttpDeps["policy"]> = {}): HttpDeps {
  return {
    send: undiciSend,
    policy: {
      maxAttempts: 4,
      baseDelayMs: 1,
      maxDelayMs: 5,
      maxRetryAfterMs: 5_000,
      requestTimeoutMs: 2_000,
      maxWaitPerWallboxMs: 60_000,
      ...overrides,
    },
    random: () => 0.5,
  };
}

export function simulatorTokens(simulator: Simulator, http = fastHttp()): TokenSource {
  return clientCredentialsToken({ tokenUrl: simulator.tokenUrl, ...simulator.credentials }, http);
}

export function clientFor(simulator: Simulator, http = fastHttp(), tokens = simulatorTokens(simulator, http)) {
  return new PartnerApiClient({ baseUrl: simulator.url, tokens, http });
}
