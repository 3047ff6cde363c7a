import type { WallboxRef } from "../config/index.ts";
import { parseExactJson } from "../exact-json/index.ts";
import type { MonthWindow } from "../month/index.ts";
import { apiSessionPageSchema, type Session, type SessionPage } from "../sessions/index.ts";
import { formatIssues } from "../validation/index.ts";
import { normalizeBaseUrl } from "./base-url.ts";
import { CredentialsError, HttpStatusError, WallboxReadError } from "./errors.ts";
import { type HttpDeps, requestWithRetry, WaitBudget } from "./http.ts";
import type { TokenSource } from "./token.ts";

export const MAX_PAGE_SIZE = 200;
const API_PREFIX = "/api/partners/v2.0";

export interface PartnerApiOptions {
  /** The API's origin, e.g. `https://sandbox-app.podero.com` (a trailing `/api/partners/v2.0/` is accepted too). */
  baseUrl: string;
  tokens: TokenSource;
  http: HttpDeps;
  /** Reads of one wallbox before inconsistent paging fails it. */
  maxReads?: number;
  /** A month with more sessions than this fails the wallbox instead of paging without end. */
  maxSessionsPerWallbox?: number;
}

type ReadAttempt = { consistent: true; sessions: Session[] } | { consistent: false; reason: string };

/**
 * Reads a wallbox's HEMS sessions for a month, page by page, and refuses to return anything it
 * cannot vouch for: sessions are deduplicated by id, and a read whose `total` moved, whose pages
 * repeat, or whose unique count disagrees with `total` is read again, then failed.
 */
export class PartnerApiClient {
  private readonly baseUrl: string;
  private readonly maxReads: number;
  private readonly maxSessions: number;

  constructor(private readonly options: PartnerApiOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.maxReads = options.maxReads ?? 3;
    this.maxSessions = options.maxSessionsPerWallbox ?? 50_000;
  }

  async listSessions(orgId: string, wallbox: WallboxRef, window: MonthWindow): Promise<Session[]> {
    const budget = new WaitBudget(this.options.http.policy.maxWaitPerWallboxMs);
    const reasons: string[] = [];
    for (let read = 1; read <= this.maxReads; read++) {
      const attempt = await this.readOnce(orgId, wallbox, window, budget);
      if (attempt.consistent) return attempt.sessions;
      reasons.push(attempt.reason);
    }
    throw new WallboxReadError(`inconsistent paging in ${this.maxReads} reads (last: ${reasons.at(-1)})`);
  }

  private async readOnce(orgId: string, wallbox: WallboxRef, window: MonthWindow, budget: WaitBudget): Promise<ReadAttempt> {
    const byId = new Map<number, Session>();
    let total: number | undefined;
    let offset = 0;
    for (;;) {
      const page = await this.fetchPage(orgId, wallbox, window, offset, budget);
      if (total === undefined) {
        total = page.total;
        if (total > this.maxSessions) {
          throw new WallboxReadError(`the API reports ${total} sessions, more than the limit of ${this.maxSessions} per wallbox and month`);
        }
      } else if (page.total !== total) {
        return { consistent: false, reason: `total changed from ${total} to ${page.total} while paging` };
      }
      if (offset >= total && page.items.length === 0) break;
      if (page.items.length === 0) {
        return { consistent: false, reason: `empty page at offset ${offset} before reaching total ${total}` };
      }
      let added = 0;
      for (const session of page.items) {
        const earlier = byId.get(session.id);
        if (earlier === undefined) {
          byId.set(session.id, session);
          added++;
          continue;
        }
        // A repeat is harmless only when it is the same row: different content means the data
        // moved under the read, and keeping either copy could report a stale figure.
        const changes = sessionDifferences(earlier, session);
        if (changes.length > 0) {
          return { consistent: false, reason: `session ${session.id} came twice with different content (${changes.join("; ")})` };
        }
      }
      if (added === 0) {
        return { consistent: false, reason: `the page at offset ${offset} only repeated sessions already read (is offset ignored?)` };
      }
      offset += page.items.length;
      if (offset >= total) break;
    }
    if (byId.size !== total) {
      return { consistent: false, reason: `${byId.size} unique sessions but total ${total}` };
    }
    return { consistent: true, sessions: [...byId.values()] };
  }

  private sessionsUrl(orgId: string, wallbox: WallboxRef, window: MonthWindow, offset: number): string {
    const path = `${API_PREFIX}/org/${encodeURIComponent(orgId)}/users/${encodeURIComponent(wallbox.userId)}/wallboxes/${encodeURIComponent(wallbox.wallboxId)}/hems-sessions`;
    const query = new URLSearchParams({ from: window.from, to: window.to, limit: String(MAX_PAGE_SIZE), offset: String(offset) });
    return `${this.baseUrl}${path}?${query}`;
  }

  private async fetchPage(orgId: string, wallbox: WallboxRef, window: MonthWindow, offset: number, budget: WaitBudget): Promise<SessionPage> {
    const url = this.sessionsUrl(orgId, wallbox, window, offset);
    const describe = `sessions page at offset ${offset}`;
    let token = await this.options.tokens.token();
    let answer = await this.get(describe, url, token, budget);
    if (answer.status === 401) {
      token = await this.options.tokens.refresh(token);
      answer = await this.get(describe, url, token, budget);
      if (answer.status === 401) {
        throw new CredentialsError("the Partner API refused a freshly issued token (HTTP 401): check the credentials");
      }
    }
    if (answer.status !== 200) throw new WallboxReadError(describeStatus(answer.status, describe));
    let json: unknown;
    try {
      json = parseExactJson(answer.body);
    } catch (error) {
      throw new WallboxReadError(`${describe}: the answer is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = apiSessionPageSchema.safeParse(json);
    if (!parsed.success) {
      throw new WallboxReadError(`${describe}: the answer does not match the contract: ${formatIssues(parsed.error, 3)}`);
    }
    return parsed.data;
  }

  private async get(describe: string, url: string, token: string, budget: WaitBudget) {
    try {
      return await requestWithRetry(
        this.options.http,
        describe,
        url,
        () => ({ method: "GET", headers: { authorization: `Bearer ${token}`, accept: "application/json" } }),
        budget,
      );
    } catch (error) {
      if (error instanceof HttpStatusError) throw new WallboxReadError(error.message, { cause: error });
      throw error;
    }
  }
}

function describeStatus(status: number, describe: string): string {
  const meaning: Record<number, string> = {
    403: "access denied: the credentials may not read this wallbox",
    404: "not found: check orgId, userId and wallboxId",
    422: "the API rejected the query parameters",
  };
  return `${describe}: HTTP ${status}${meaning[status] ? ` (${meaning[status]})` : ""}`;
}

/** The name the API gives each field of a session (`outcome` is derived from `rawOutcome`, `id` is the key). */
const API_FIELD_NAMES: Record<Exclude<keyof Session, "id" | "outcome">, string> = {
  ocppTransactionId: "ocpp_transaction_id",
  startedAt: "started_at",
  endedAt: "ended_at",
  finalHemsState: "final_hems_state",
  rawOutcome: "outcome",
  energyFromSolarKwh: "energy_from_solar_kwh",
  savingsEur: "savings_eur",
  hasCompletePriceCoverage: "has_complete_price_coverage",
  commandsSent: "commands_sent",
  commandsApplied: "commands_applied",
  commandsIneffective: "commands_ineffective",
};

/** The fields in which two copies of one session differ, as `api_field: first → second`. */
export function sessionDifferences(first: Session, second: Session): string[] {
  const differences: string[] = [];
  for (const [field, apiField] of Object.entries(API_FIELD_NAMES) as [keyof typeof API_FIELD_NAMES, string][]) {
    if (first[field] !== second[field]) differences.push(`${apiField}: ${String(first[field])} → ${String(second[field])}`);
  }
  return differences;
}
