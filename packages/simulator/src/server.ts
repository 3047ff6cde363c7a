import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "lossless-json";
import { apiUser, apiWallbox, type SimulatedUser, simulatedUser } from "./organization.ts";
import { type ApiSessionItem, generateSessions } from "./sessions.ts";

/** What a test can make the server answer instead of the data, for one request. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Send the headers of a 200 answer and the start of its body, then nothing more, never ending it. */
  | { stallBody: true }
  /** A 200 answer that says `Content-Encoding: gzip` but whose body, sent `delayMs` after the headers, is not gzip. */
  | { corruptGzip: true; delayMs?: number };

export interface SessionsRequest {
  orgId: string;
  userId: string;
  wallboxId: string;
  from: string;
  to: string;
  limit: number;
  offset: number;
  /** 1 for this wallbox's first sessions request, 2 for its second, … */
  count: number;
}

export interface SimulatorOptions {
  seed?: string;
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  tokenLifetimeS?: number;
  /** Answer at most this many items a page, whatever `limit` asks (as a real server may). */
  pageCap?: number;
  /** Answer each request this long after it arrived, as a distant server would. */
  latencyMs?: number;
  /** The organisation's name (`GET /org/{org_id}`), for any organisation id. Default: "Demo Energie GmbH". */
  orgName?: string;
  /** How many users the organisation's users list holds (`GET /org/{org_id}/users`, see organization.ts). Default: 25, the demo's. */
  orgUsers?: number;
  /** Called before each sessions request is answered; a fault returned replaces the answer. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes may return nothing at all
  onSessionsRequest?: (request: SessionsRequest, simulator: Simulator) => Fault | undefined | void;
  /** Decides how to answer the users list (`GET /org/{org_id}/users`): a fault, or undefined to answer it. */
  onUsersRequest?: () => Fault | undefined;
  /** Decides how to answer a user's wallbox list (`GET /org/{org_id}/users/{user_id}/wallboxes`): a fault, or undefined to answer it. */
  onUserWallboxesRequest?: (userId: string) => Fault | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SESSIONS_PATH = /^\/api\/partners\/v2\.0\/org\/([^/]+)\/users\/([^/]+)\/wallboxes\/([^/]+)\/hems-sessions\/?$/;
const TOKEN_PATH = /^\/oauth2\/token\/?$/;
const ORG_PATH = /^\/api\/partners\/v2\.0\/org\/([^/]+)\/?$/;
const USERS_PATH = /^\/api\/partners\/v2\.0\/org\/([^/]+)\/users\/?$/;
const USER_WALLBOXES_PATH = /^\/api\/partners\/v2\.0\/org\/([^/]+)\/users\/([^/]+)\/wallboxes\/?$/;
/** Users written to the users list per write: the list is made as it is sent. */
const USERS_PER_WRITE = 500;

/** An answer made and waiting to be sent. */
type Answer = (response: ServerResponse) => void;

/** How many wallbox windows the simulator keeps generated; far more than any client reads at once. */
const RECENT_WINDOWS = 2048;

export const DEFAULT_CREDENTIALS = { clientId: "simulator-client", clientSecret: "simulator-secret" } as const;

/**
 * The Partner API simulator: a real HTTP server with the token endpoint and the hems-sessions
 * endpoint of the contract, deterministic data from a seed, and hooks for tests to misbehave.
 */
export class Simulator {
  readonly seed: string;
  readonly credentials: { clientId: string; clientSecret: string };
  private readonly tokens = new Map<string, number>();
  private readonly fixed = new Map<string, ApiSessionItem[]>();
  private readonly requestCounts = new Map<string, number>();
  /** Recently asked windows, generated once and their pages serialized once: a client reads a wallbox's pages one after another. */
  private readonly recent = new Map<string, { all: ApiSessionItem[]; pages: Map<string, Buffer> }>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  private userIndex: Map<string, number> | undefined;
  url = "";
  /** Requests the token endpoint has received. */
  tokenRequests = 0;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.seed = options.seed ?? "hems-reports-demo";
    this.credentials = {
      clientId: options.clientId ?? DEFAULT_CREDENTIALS.clientId,
      clientSecret: options.clientSecret ?? DEFAULT_CREDENTIALS.clientSecret,
    };
  }

  get tokenUrl(): string {
    return `${this.url}/oauth2/token/`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) this.send(response, 500, { detail: `simulator error: ${String(error)}` });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A valid bearer token, as if issued by the token endpoint. */
  issueToken(): string {
    const token = `sim_${randomBytes(18).toString("hex")}`;
    this.tokens.set(token, Date.now() + (this.options.tokenLifetimeS ?? 36_000) * 1000);
    return token;
  }

  /** Every token issued so far stops working (as after a key rotation). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Make a wallbox answer exactly these items, whatever the window (tests use it for edge cases). */
  setSessions(wallboxId: string, items: ApiSessionItem[]): void {
    this.fixed.set(wallboxId.toLowerCase(), items);
  }

  /** What the server answers for a wallbox and window, before paging. */
  sessionsFor(wallboxId: string, from: string, to: string): ApiSessionItem[] {
    return this.fixed.get(wallboxId.toLowerCase()) ?? this.generatedWindow(wallboxId.toLowerCase(), from, to).all;
  }

  /** Sessions requests received for a wallbox. */
  requestsFor(wallboxId: string): number {
    return this.requestCounts.get(wallboxId.toLowerCase()) ?? 0;
  }

  /**
   * Answers `latencyMs` after the request arrived, however long the answer took to make (within
   * that time): a distant server's latency, not the simulator's own work added on top of it.
   */
  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answerAt = performance.now() + (this.options.latencyMs ?? 0);
    const answer = await this.answer(request);
    const wait = answerAt - performance.now();
    if (wait > 0) await sleep(wait);
    answer(response);
  }

  private async answer(request: IncomingMessage): Promise<Answer> {
    const url = new URL(request.url ?? "/", "http://simulator");
    if (TOKEN_PATH.test(url.pathname)) {
      if (request.method !== "POST") return this.json(405, { detail: "Method Not Allowed" });
      return this.token(request);
    }
    const org = ORG_PATH.exec(url.pathname);
    if (org) {
      if (request.method !== "GET") return this.json(405, { detail: "Method Not Allowed" });
      if (!this.authorized(request)) return this.json(401, { detail: "Invalid or expired token" }, { "www-authenticate": "Bearer" });
      const orgId = decodeURIComponent(org[1] ?? "");
      if (!UUID.test(orgId))
        return this.json(422, { detail: [{ loc: ["path", "org_id"], msg: "value is not a valid uuid", type: "type_error.uuid" }] });
      return this.json(200, { id: orgId, name: this.options.orgName ?? "Demo Energie GmbH", description: null, contact: null });
    }
    const users = USERS_PATH.exec(url.pathname);
    const userWallboxes = USER_WALLBOXES_PATH.exec(url.pathname);
    if (users || userWallboxes) {
      if (request.method !== "GET") return this.json(405, { detail: "Method Not Allowed" });
      if (!this.authorized(request)) return this.json(401, { detail: "Invalid or expired token" }, { "www-authenticate": "Bearer" });
      const orgId = decodeURIComponent((users ?? userWallboxes)![1] ?? "");
      if (!UUID.test(orgId))
        return this.json(422, { detail: [{ loc: ["path", "org_id"], msg: "value is not a valid uuid", type: "type_error.uuid" }] });
      if (users) {
        const fault = this.options.onUsersRequest?.();
        if (fault) return (response) => this.misbehave(response, fault);
        return (response) => void this.streamUsers(orgId, response).catch(() => response.destroy());
      }
      const userId = decodeURIComponent(userWallboxes![2] ?? "");
      const fault = this.options.onUserWallboxesRequest?.(userId);
      if (fault) return (response) => this.misbehave(response, fault);
      const user = this.userById(userId);
      if (!user) return this.json(404, { detail: "Not found." });
      return this.json(
        200,
        user.wallboxes.map((wallbox) => apiWallbox(user, wallbox)),
      );
    }
    const match = SESSIONS_PATH.exec(url.pathname);
    if (!match) return this.json(404, { detail: "Not Found" });
    if (request.method !== "GET") return this.json(405, { detail: "Method Not Allowed" });
    if (!this.authorized(request)) {
      return this.json(401, { detail: "Invalid or expired token" }, { "www-authenticate": "Bearer" });
    }
    const [, orgId = "", userId = "", wallboxId = ""] = match.map(decodeURIComponent);
    const query = this.validateQuery(url.searchParams, { org_id: orgId, user_id: userId, wallbox_id: wallboxId });
    if ("errors" in query) return this.json(422, { detail: query.errors });

    const key = wallboxId.toLowerCase();
    const count = (this.requestCounts.get(key) ?? 0) + 1;
    this.requestCounts.set(key, count);
    const fault = this.options.onSessionsRequest?.({ orgId, userId, wallboxId, ...query, count }, this);
    if (fault) return (response) => this.misbehave(response, fault);
    const size = Math.min(query.limit, this.options.pageCap ?? query.limit);
    if (this.fixed.has(key)) {
      const all = this.fixed.get(key)!;
      return this.json(200, { total: all.length, items: all.slice(query.offset, query.offset + size) });
    }
    const body = this.generatedPage(key, query.from, query.to, query.offset, size);
    return (response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
    };
  }

  /** The organisation's users, as many as `orgUsers` says. */
  get userCount(): number {
    return this.options.orgUsers ?? 25;
  }

  /** The simulated user with this id, or undefined (the index of ids is made on first use). */
  private userById(userId: string): SimulatedUser | undefined {
    if (!this.userIndex) {
      this.userIndex = new Map();
      for (let index = 0; index < this.userCount; index++) this.userIndex.set(simulatedUser(this.seed, index).id, index);
    }
    const index = this.userIndex.get(userId.toLowerCase());
    return index === undefined ? undefined : simulatedUser(this.seed, index);
  }

  /** The users list, one JSON array made as it is sent, a few hundred users a write, waiting for the client to take them. */
  private async streamUsers(orgId: string, response: ServerResponse): Promise<void> {
    response.writeHead(200, { "content-type": "application/json" });
    const write = async (text: string) => {
      if (!response.write(text)) await once(response, "drain");
    };
    await write("[");
    for (let first = 0; first < this.userCount; first += USERS_PER_WRITE) {
      if (response.destroyed) return;
      const batch: string[] = [];
      for (let index = first; index < Math.min(first + USERS_PER_WRITE, this.userCount); index++)
        batch.push(JSON.stringify(apiUser(orgId, simulatedUser(this.seed, index))));
      await write(`${first === 0 ? "" : ","}${batch.join(",")}`);
    }
    response.end("]");
  }

  /**
   * A page of generated sessions, serialized once. Generated values are plain numbers, for which
   * `JSON.stringify` writes the same digits as lossless-json, at a fraction of the cost, so the
   * simulator is not what limits a benchmark.
   */
  private generatedPage(wallboxId: string, from: string, to: string, offset: number, size: number): Buffer {
    const entry = this.generatedWindow(wallboxId, from, to);
    const pageKey = `${offset}:${size}`;
    let page = entry.pages.get(pageKey);
    if (!page) {
      page = Buffer.from(JSON.stringify({ total: entry.all.length, items: entry.all.slice(offset, offset + size) }));
      entry.pages.set(pageKey, page);
    }
    return page;
  }

  /** A wallbox's generated window, kept among the most recently asked ones. */
  private generatedWindow(wallboxId: string, from: string, to: string) {
    const windowKey = `${wallboxId}|${from}|${to}`;
    let entry = this.recent.get(windowKey);
    if (entry) this.recent.delete(windowKey);
    else entry = { all: generateSessions(this.seed, wallboxId, from, to), pages: new Map<string, Buffer>() };
    this.recent.set(windowKey, entry);
    if (this.recent.size > RECENT_WINDOWS) this.recent.delete(this.recent.keys().next().value!);
    return entry;
  }

  private misbehave(response: ServerResponse, fault: Fault): void {
    if ("status" in fault) {
      this.send(response, fault.status, fault.body ?? { detail: `simulated HTTP ${fault.status}` }, fault.headers);
      return;
    }
    // The other faults leave the answer open; close() ends them.
    this.hanging.add(response);
    response.on("close", () => this.hanging.delete(response));
    if ("stallBody" in fault) {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      response.write('{"total": 3, "items": [');
    } else if ("corruptGzip" in fault) {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.flushHeaders();
      const timer = setTimeout(() => response.end('{"total": 0, "items": []} is not gzip'), fault.delayMs ?? 50);
      response.on("close", () => clearTimeout(timer));
    }
  }

  private validateQuery(params: URLSearchParams, path: Record<string, string>) {
    const errors: { loc: string[]; msg: string }[] = [];
    for (const [name, value] of Object.entries(path)) {
      if (!UUID.test(value)) errors.push({ loc: ["path", name], msg: "Input should be a valid UUID" });
    }
    const day = (name: string) => {
      const value = params.get(name);
      if (value === null) errors.push({ loc: ["query", name], msg: "Field required" });
      else if (
        !DAY.test(value) ||
        Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
        new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
      )
        errors.push({ loc: ["query", name], msg: "Input should be a valid date in the format YYYY-MM-DD" });
      return value ?? "";
    };
    const integer = (name: string, fallback: number, min: number, max: number) => {
      const value = params.get(name);
      if (value === null) return fallback;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        errors.push({ loc: ["query", name], msg: `Input should be an integer from ${min} to ${max}` });
      }
      return Number(value);
    };
    const from = day("from");
    const to = day("to");
    const limit = integer("limit", 50, 1, 200);
    const offset = integer("offset", 0, 0, Number.MAX_SAFE_INTEGER);
    if (errors.length === 0 && from > to) errors.push({ loc: ["query", "to"], msg: "to must not be before from" });
    return errors.length > 0 ? { errors } : { from, to, limit, offset };
  }

  private authorized(request: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    const expires = match ? this.tokens.get(match[1]!) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  private async token(request: IncomingMessage): Promise<Answer> {
    this.tokenRequests++;
    let text = "";
    for await (const chunk of request) text += String(chunk);
    const basic = /^Basic (\S+)$/.exec(request.headers.authorization ?? "");
    const [id, secret] = basic ? Buffer.from(basic[1]!, "base64").toString("utf8").split(/:(.*)/s) : [];
    let grant: unknown;
    try {
      grant = (JSON.parse(text) as { grant_type?: unknown }).grant_type;
    } catch {
      grant = undefined;
    }
    if (grant !== "client_credentials") return this.json(400, { error: "unsupported_grant_type" });
    if (id !== this.credentials.clientId || secret !== this.credentials.clientSecret) {
      return this.json(401, { error: "invalid_client" });
    }
    const lifetime = this.options.tokenLifetimeS ?? 36_000;
    return this.json(200, { access_token: this.issueToken(), expires_in: lifetime, token_type: "Bearer", scope: "read" });
  }

  /** A JSON answer, serialized now so that only sending it waits for the latency. */
  private json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
    const text = stringify(body) ?? "null";
    return (response) => {
      response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
      response.end(text);
    };
  }

  private send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.json(status, body, headers)(response);
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return new Simulator(options).start();
}
