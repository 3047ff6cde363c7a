import type { WallboxRef } from "../../domain/config/index.ts";
import { parseDecimal } from "../../domain/money/index.ts";
import type { MonthWindow } from "../../domain/month/index.ts";
import { apiUserSchema, apiWallboxSchema, type OrgReader, type OrgUser, type OrgWallbox, orgUserOf, orgWallboxOf } from "../../domain/org/index.ts";
import {
  apiSessionPageSchema,
  type Organization,
  organizationSchema,
  type Session,
  type SessionPage,
  type SessionsReader,
  WallboxReadError,
} from "../../domain/sessions/index.ts";
import { ApiUnreachableError, DiscoveryError } from "../../shared/errors/index.ts";
import { parseJsonKeepingDigits } from "../../shared/exact-json/index.ts";
import { jsonArrayItems } from "../../shared/json-array/index.ts";
import { formatIssues } from "../../shared/validation/index.ts";
import { normalizeBaseUrl } from "./base-url.ts";
import { CredentialsError, HttpStatusError } from "./errors.ts";
import { type HttpAnswer, type HttpDeps, requestWithRetry, WaitBudget } from "./http.ts";
import type { OutgoingRequest } from "./send.ts";
import { openStream } from "./stream.ts";
import type { TokenSource } from "./token.ts";

export const MAX_PAGE_SIZE = 200;
/** The session fields whose digits matter: read as the decimal text the API wrote. */
const DECIMAL_FIELDS = ["energy_from_solar_kwh", "savings_eur"] as const;
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

type ReadAttempt = { consistent: true; sessions: Session[] } | { consistent: false; reason: string; conflict?: true };

/**
 * Reads a wallbox's HEMS sessions for a month, page by page, and refuses to return anything it
 * cannot vouch for: sessions are deduplicated by id, and a read whose `total` moved, whose pages
 * repeat, or whose unique count disagrees with `total` is read again, then failed.
 */
export class PartnerApiClient implements SessionsReader, OrgReader {
  private readonly baseUrl: string;
  private readonly maxReads: number;
  private readonly maxSessions: number;

  constructor(private readonly options: PartnerApiOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.maxReads = options.maxReads ?? 3;
    this.maxSessions = options.maxSessionsPerWallbox ?? 50_000;
  }

  /**
   * The organisation (`GET /org/{org_id}`), asked once before the reads: an API that cannot be
   * reached, or that refuses the credentials, stops the run here with one sentence naming the URL
   * and the cause, rather than failing every wallbox into a report of nothing.
   */
  async organization(orgId: string): Promise<Organization | undefined> {
    const url = `${this.baseUrl}${API_PREFIX}/org/${encodeURIComponent(orgId)}`;
    const where = `the Partner API at ${this.baseUrl}`;
    const describe = `GET ${url}`;
    // Bounded like one wallbox's reads: a server asking to wait minutes fails the request instead.
    const budget = new WaitBudget(this.options.http.policy.maxWaitPerWallboxMs);
    let answer: HttpAnswer;
    try {
      answer = await this.withFreshToken((token) => requestWithRetry(this.options.http, describe, url, () => bearer(token), budget), where);
    } catch (error) {
      if (error instanceof HttpStatusError) throw new ApiUnreachableError(`${where} could not be reached: ${error.message}`, { cause: error });
      const deadline = this.options.http.signal;
      if (deadline?.aborted && error === deadline.reason)
        throw new ApiUnreachableError(`${where} did not answer ${describe} before the step's time ran out`, { cause: error });
      throw error;
    }
    if (answer.status === 403)
      throw new CredentialsError(`${where} refused the credentials (HTTP 403 to ${describe}): they may not read organisation ${orgId}`);
    // Documented, but served only by the simulator here: a 404 leaves the report without the API's name, no more.
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new ApiUnreachableError(`${where} answered HTTP ${answer.status} to ${describe}`);
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch (error) {
      throw new ApiUnreachableError(`${where} answered ${describe} with something that is not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = organizationSchema.safeParse(json);
    if (!parsed.success) throw new ApiUnreachableError(`${where} answered ${describe} against the contract: ${formatIssues(parsed.error, 3)}`);
    return parsed.data;
  }

  /**
   * The organisation's users, one at a time as the list arrives (`GET /org/{org_id}/users`, one
   * JSON array with no paging: a million users is hundreds of MB, never held whole). A list that
   * cannot be had, breaks off or breaks the contract stops the run (`DiscoveryError`; an API that
   * cannot be reached is an `ApiUnreachableError`, which the workflow retries).
   */
  async *users(orgId: string): AsyncGenerator<OrgUser> {
    const url = `${this.baseUrl}${API_PREFIX}/org/${encodeURIComponent(orgId)}/users`;
    const where = `the Partner API at ${this.baseUrl}`;
    const describe = `GET ${url}`;
    const budget = new WaitBudget(this.options.http.policy.maxWaitPerWallboxMs);
    const open = async (token: string) => {
      try {
        return await openStream(this.options.http, describe, url, { authorization: `Bearer ${token}`, accept: "application/json" }, budget);
      } catch (error) {
        if (error instanceof HttpStatusError) throw new ApiUnreachableError(`${where} could not list the users: ${error.message}`, { cause: error });
        throw error;
      }
    };
    const answer = await this.withFreshToken(open, where);
    if (answer.status === 403) throw new CredentialsError(`${where} refused the credentials (HTTP 403 to ${describe}): they may not list the users`);
    if (!("body" in answer)) throw new DiscoveryError(`${where} answered HTTP ${answer.status} to ${describe}: the users cannot be listed`);
    let count = 0;
    try {
      for await (const text of jsonArrayItems(answer.body)) {
        const parsed = apiUserSchema.safeParse(JSON.parse(text));
        if (!parsed.success)
          throw new DiscoveryError(`user ${count + 1} of ${describe} does not match the contract: ${formatIssues(parsed.error, 3)}`);
        count++;
        yield orgUserOf(parsed.data);
      }
    } catch (error) {
      if (error instanceof DiscoveryError) throw error;
      throw new DiscoveryError(`${where}: the users list broke off after ${count} users (${(error as Error).message})`, { cause: error });
    }
  }

  /**
   * One user's wallboxes (`GET /org/{org_id}/users/{user_id}/wallboxes`: a bare array of the
   * detail endpoint's objects, inferred from its sibling endpoints). An answer of another shape
   * fails that user, naming what the API sent, as a wallbox that cannot be read does.
   */
  async userWallboxes(orgId: string, userId: string): Promise<OrgWallbox[]> {
    const url = `${this.baseUrl}${API_PREFIX}/org/${encodeURIComponent(orgId)}/users/${encodeURIComponent(userId)}/wallboxes`;
    const describe = "the user's wallbox list";
    const budget = new WaitBudget(this.options.http.policy.maxWaitPerWallboxMs);
    const answer = await this.withFreshToken((token) => this.get(describe, url, token, budget));
    if (answer.status !== 200) throw new WallboxReadError(describeStatus(answer.status, describe));
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch (error) {
      throw new WallboxReadError(`${describe}: the answer is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (!Array.isArray(json))
      throw new WallboxReadError(`${describe}: the answer is not a list of wallboxes (the endpoint's shape is inferred: check it)`);
    return json.map((item, index) => {
      const parsed = apiWallboxSchema.safeParse(item);
      if (!parsed.success)
        throw new WallboxReadError(`${describe}: wallbox ${index + 1} does not match the contract: ${formatIssues(parsed.error, 3)}`);
      return orgWallboxOf(userId.toLowerCase(), parsed.data);
    });
  }

  async listSessions(orgId: string, wallbox: WallboxRef, window: MonthWindow): Promise<Session[]> {
    const budget = new WaitBudget(this.options.http.policy.maxWaitPerWallboxMs);
    let last = "";
    let lastConflict: string | undefined;
    for (let read = 1; read <= this.maxReads; read++) {
      const attempt = await this.readOnce(orgId, wallbox, window, budget);
      if (attempt.consistent) return attempt.sessions;
      last = attempt.reason;
      if (attempt.conflict) lastConflict = attempt.reason;
    }
    // A session seen with two contents is the finding a reader must not miss, whatever failed last.
    const reason = lastConflict && lastConflict !== last ? `${last}; earlier: ${lastConflict}` : last;
    throw new WallboxReadError(`inconsistent paging in ${this.maxReads} reads (last: ${reason})`);
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
          return { consistent: false, conflict: true, reason: `session ${session.id} came twice with different content (${changes.join("; ")})` };
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
    const answer = await this.withFreshToken((token) => this.get(describe, url, token, budget));
    if (answer.status !== 200) throw new WallboxReadError(describeStatus(answer.status, describe));
    let json: unknown;
    try {
      json = parseJsonKeepingDigits(answer.body, DECIMAL_FIELDS);
    } catch (error) {
      throw new WallboxReadError(`${describe}: the answer is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = apiSessionPageSchema.safeParse(json);
    if (!parsed.success) {
      throw new WallboxReadError(`${describe}: the answer does not match the contract: ${formatIssues(parsed.error, 3)}`);
    }
    return parsed.data;
  }

  /**
   * A request with the current token; after a 401, once more with a fresh one (tokens expire, and
   * a secret may have been rotated). A fresh token refused too is a `CredentialsError`.
   */
  private async withFreshToken<T extends { status: number }>(send: (token: string) => Promise<T>, who = "the Partner API"): Promise<T> {
    const token = await this.options.tokens.token();
    const answer = await send(token);
    if (answer.status !== 401) return answer;
    const retried = await send(await this.options.tokens.refresh(token));
    if (retried.status === 401) throw new CredentialsError(`${who} refused a freshly issued token (HTTP 401): check the credentials`);
    return retried;
  }

  private async get(describe: string, url: string, token: string, budget: WaitBudget) {
    try {
      return await requestWithRetry(this.options.http, describe, url, () => bearer(token), budget);
    } catch (error) {
      if (error instanceof HttpStatusError) throw new WallboxReadError(error.message, { cause: error });
      throw error;
    }
  }
}

const bearer = (token: string): OutgoingRequest => ({ method: "GET", headers: { authorization: `Bearer ${token}`, accept: "application/json" } });

function describeStatus(status: number, describe: string): string {
  if (status >= 300 && status < 400) return `${describe}: HTTP ${status} (a redirect, which is not followed: check the API URL)`;
  const meaning: Record<number, string> = {
    403: "access denied: the credentials may not read this wallbox",
    404: "not found: check orgId, userId and wallboxId",
    422: "the API rejected the query parameters",
  };
  return `${describe}: HTTP ${status}${meaning[status] ? ` (${meaning[status]})` : ""}`;
}

type Compare = "decimal" | "time" | "exact";

/**
 * Each field of a session as the API names it, and how two copies are compared: decimals by value
 * (`1.5` and `1.50` agree), times as instants (`Z` and `+00:00` agree), the rest exactly.
 * `outcome` is derived from `rawOutcome`, and `id` is the key.
 */
const FIELDS: Record<Exclude<keyof Session, "id" | "outcome">, { api: string; compare: Compare }> = {
  ocppTransactionId: { api: "ocpp_transaction_id", compare: "exact" },
  startedAt: { api: "started_at", compare: "time" },
  endedAt: { api: "ended_at", compare: "time" },
  finalHemsState: { api: "final_hems_state", compare: "exact" },
  rawOutcome: { api: "outcome", compare: "exact" },
  energyFromSolarKwh: { api: "energy_from_solar_kwh", compare: "decimal" },
  savingsEur: { api: "savings_eur", compare: "decimal" },
  hasCompletePriceCoverage: { api: "has_complete_price_coverage", compare: "exact" },
  commandsSent: { api: "commands_sent", compare: "exact" },
  commandsApplied: { api: "commands_applied", compare: "exact" },
  commandsIneffective: { api: "commands_ineffective", compare: "exact" },
};

function agree(first: unknown, second: unknown, compare: Compare): boolean {
  if (first === second) return true;
  if (typeof first !== "string" || typeof second !== "string") return false;
  if (compare === "decimal") return parseDecimal(first).eq(parseDecimal(second));
  if (compare === "time") return Date.parse(first) === Date.parse(second);
  return false;
}

/** The fields in which two copies of one session differ, as `api_field: first → second`. */
export function sessionDifferences(first: Session, second: Session): string[] {
  const differences: string[] = [];
  for (const [field, { api, compare }] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
    if (!agree(first[field], second[field], compare)) differences.push(`${api}: ${String(first[field])} → ${String(second[field])}`);
  }
  return differences;
}
