import { CredentialsError, clientCredentialsToken, staticToken } from "@hems-reports/core/adapters/partner-api";
import { WallboxReadError } from "@hems-reports/core/domain/sessions";
import { randomFaults, type Simulator, type SimulatorOptions, startSimulator } from "@hems-reports/simulator";
import { LosslessNumber } from "lossless-json";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, fastHttp, OCTOBER, ORG_ID, sessionItem, sessionItems, simulatorTokens, wallboxRef } from "../support/api.ts";

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function serve(options: SimulatorOptions = {}) {
  simulator = await startSimulator({ seed: "tests", ...options });
  return simulator;
}

const box = wallboxRef("a");

describe("Partner API client against the simulator", () => {
  it.each([0, 1, 199, 200, 201, 1000])("reads all of %i sessions, 200 a page", async (count) => {
    const server = await serve();
    server.setSessions(box.wallboxId, sessionItems(count));
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions.map((session) => session.id)).toEqual(sessionItems(count).map((item) => item.id));
    expect(server.requestsFor(box.wallboxId)).toBe(Math.max(1, Math.ceil(count / 200)));
  });

  it("advances by the items received when the server caps pages below the limit", async () => {
    const server = await serve({ pageCap: 37 });
    server.setSessions(box.wallboxId, sessionItems(500));
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(500);
    expect(server.requestsFor(box.wallboxId)).toBe(Math.ceil(500 / 37));
  });

  it("dedupes sessions shifted onto the next page by an insertion, then re-reads for the one skipped", async () => {
    const items = sessionItems(300);
    const server = await serve({
      onSessionsRequest: (request, sim) => {
        // A new session appears at the front after the first page: page two repeats item 200 and total grows.
        if (request.count === 2) sim.setSessions(box.wallboxId, [sessionItem(9999), ...items]);
      },
    });
    server.setSessions(box.wallboxId, items);
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions).toHaveLength(301);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(301);
  });

  it("fails a wallbox whose pages repeat a session while the total stays put, after re-reading", async () => {
    const items = sessionItems(250);
    // Page two repeats the last item of page one but the server still reports 251 items in all.
    const withDuplicate = [...items.slice(0, 200), items[199]!, ...items.slice(200)];
    const server = await serve();
    server.setSessions(box.wallboxId, withDuplicate);
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      /inconsistent paging in 3 reads \(last: 250 unique sessions but total 251\)/,
    );
    expect(server.requestsFor(box.wallboxId)).toBe(6);
  });

  it("re-reads a wallbox whose row changed while it was paged, and reports the value the re-read finds", async () => {
    // 201 sessions; while page two is asked for, session 200 (the last of page one) is updated
    // and page two overlaps page one by that row: its first copy said 500.00, its second 1.550001.
    const items = sessionItems(201);
    items[199] = sessionItem(200, { savings_eur: new LosslessNumber("500.00") });
    const updated = sessionItem(200, { savings_eur: new LosslessNumber("1.550001") });
    const server = await serve({
      onSessionsRequest: (request, sim) => {
        if (request.count !== 2) return undefined;
        sim.setSessions(box.wallboxId, [...items.slice(0, 199), updated, items[200]!]);
        return { status: 200, body: { total: 201, items: [updated, items[200]] } };
      },
    });
    server.setSessions(box.wallboxId, items);
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions).toHaveLength(201);
    expect(sessions.find((session) => session.id === 200)?.savingsEur).toBe("1.550001");
    expect(server.requestsFor(box.wallboxId)).toBe(4);
  });

  it("fails a wallbox that keeps sending two different rows under one id, naming the session", async () => {
    const server = await serve({
      onSessionsRequest: () => ({
        status: 200,
        body: { total: 2, items: [sessionItem(7, { savings_eur: 2.5 }), sessionItem(8), sessionItem(7, { savings_eur: 0.25, ended_at: null })] },
      }),
    });
    const error = (await clientFor(server)
      .listSessions(ORG_ID, box, OCTOBER)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(WallboxReadError);
    expect(error.message).toMatch(
      /^inconsistent paging in 3 reads \(last: session 7 came twice with different content \(ended_at: .* → null; savings_eur: 2\.5 → 0\.25\)\)$/,
    );
    expect(server.requestsFor(box.wallboxId)).toBe(3);
  });

  it("takes two copies that write the same values differently for one session, keeping the first", async () => {
    const first = sessionItem(1, { savings_eur: new LosslessNumber("1.5"), started_at: "2026-10-02T01:00:00Z" });
    const second = sessionItem(1, { savings_eur: new LosslessNumber("1.50"), started_at: "2026-10-02T01:00:00+00:00" });
    const server = await serve({ onSessionsRequest: () => ({ status: 200, body: { total: 2, items: [first, sessionItem(2), second] } }) });
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions.map((session) => [session.id, session.savingsEur, session.startedAt])).toEqual([
      [1, "1.5", "2026-10-02T01:00:00Z"],
      [2, "0.25", sessionItem(2).started_at],
    ]);
  });

  it("names a conflicting session in the failure even when a later read failed for another reason", async () => {
    const server = await serve({
      onSessionsRequest: (request) =>
        request.count < 3
          ? { status: 200, body: { total: 2, items: [sessionItem(7, { savings_eur: 2.5 }), sessionItem(7, { savings_eur: 0.25 }), sessionItem(8)] } }
          : { status: 200, body: { total: 5, items: [] } },
    });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      /^inconsistent paging in 3 reads \(last: empty page at offset 0 before reaching total 5; earlier: session 7 came twice with different content \(savings_eur: 2\.5 → 0\.25\)\)$/,
    );
  });

  it("keeps one copy of a row repeated identically across pages", async () => {
    const items = sessionItems(201);
    const server = await serve({
      onSessionsRequest: (request) => (request.offset === 200 ? { status: 200, body: { total: 201, items: [items[199], items[200]] } } : undefined),
    });
    server.setSessions(box.wallboxId, items);
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions.map((session) => session.id)).toEqual(items.map((item) => item.id));
    expect(server.requestsFor(box.wallboxId)).toBe(2);
  });

  it("meets the simulator's switchable changed-duplicate fault with a failure naming the session", async () => {
    const server = await serve({ onSessionsRequest: randomFaults("changed-duplicate", 1, "tests") });
    server.setSessions(box.wallboxId, sessionItems(5));
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      /^inconsistent paging in 3 reads \(last: session 1 came twice with different content \(savings_eur: 0\.25 → 999\.99\)\)$/,
    );
  });

  it("fails a wallbox whose gzip body is corrupt instead of waiting for it forever", async () => {
    const server = await serve({ onSessionsRequest: () => ({ corruptGzip: true, delayMs: 50 }) });
    const started = Date.now();
    const error = (await clientFor(server, fastHttp({ requestTimeoutMs: 500, maxAttempts: 2 }))
      .listSessions(ORG_ID, box, OCTOBER)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(WallboxReadError);
    expect(error.message).toBe("sessions page at offset 0: a gzip body that does not decode after 2 attempts");
    expect(server.requestsFor(box.wallboxId)).toBe(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("times out a body that starts and never finishes", async () => {
    const server = await serve({ onSessionsRequest: (request) => (request.count === 1 ? { stallBody: true } : undefined) });
    server.setSessions(box.wallboxId, sessionItems(3));
    const sessions = await clientFor(server, fastHttp({ requestTimeoutMs: 300 })).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions).toHaveLength(3);
    expect(server.requestsFor(box.wallboxId)).toBe(2);
  });

  it("stops retrying a wallbox once its waiting would exceed the budget for one wallbox", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 429, headers: { "retry-after": "1" } }) });
    const started = Date.now();
    const http = fastHttp({ maxAttempts: 10, maxWaitPerWallboxMs: 2_500 });
    await expect(clientFor(server, http).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      new WallboxReadError(
        "sessions page at offset 0: HTTP 429 after 3 attempts; the next would wait 1 s, more than the 0.5 s left of the 2.5 s one wallbox may spend waiting to retry",
      ),
    );
    expect(server.requestsFor(box.wallboxId)).toBe(3);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("fails a wallbox whose server ignores offset instead of looping", async () => {
    const items = sessionItems(400);
    const stuck = await serve({
      onSessionsRequest: () => ({ status: 200, body: { total: 400, items: items.slice(0, 200) } }),
    });
    const error = await clientFor(stuck)
      .listSessions(ORG_ID, box, OCTOBER)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WallboxReadError);
    expect((error as Error).message).toMatch(/only repeated sessions already read \(is offset ignored\?\)/);
    expect(stuck.requestsFor(box.wallboxId)).toBe(6);
  });

  it("fails a wallbox on an empty page before the total is reached", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 200, body: { total: 5, items: [] } }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(/empty page at offset 0 before reaching total 5/);
  });

  it("honours Retry-After on 429, then succeeds", async () => {
    const seen: number[] = [];
    const server = await serve({
      onSessionsRequest: (request) => {
        seen.push(Date.now());
        return request.count === 1 ? { status: 429, headers: { "retry-after": "1" } } : undefined;
      },
    });
    server.setSessions(box.wallboxId, sessionItems(3));
    const sessions = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(sessions).toHaveLength(3);
    expect(seen).toHaveLength(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
  });

  it("retries 5xx, then succeeds", async () => {
    const server = await serve({ onSessionsRequest: (request) => (request.count <= 2 ? { status: 503 } : undefined) });
    server.setSessions(box.wallboxId, sessionItems(210));
    expect(await clientFor(server).listSessions(ORG_ID, box, OCTOBER)).toHaveLength(210);
    expect(server.requestsFor(box.wallboxId)).toBe(4);
  });

  it("gives up after the last attempt on a persistent 5xx", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 500 }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      new WallboxReadError("sessions page at offset 0: HTTP 500 after 4 attempts"),
    );
    expect(server.requestsFor(box.wallboxId)).toBe(4);
  });

  it("does not wait for a Retry-After longer than the run allows", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 429, headers: { "retry-after": "86400" } }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(/asked to wait 86400 s, longer than the 5 s/);
    expect(server.requestsFor(box.wallboxId)).toBe(1);
  });

  it("times out a server that never answers, and does not hang", async () => {
    const server = await serve({ onSessionsRequest: () => ({ hang: true }) });
    const started = Date.now();
    await expect(clientFor(server, fastHttp({ requestTimeoutMs: 200, maxAttempts: 2 })).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      /no complete answer within 0.2 s after 2 attempts/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    [404, /HTTP 404 \(not found: check orgId, userId and wallboxId\)/],
    [403, /HTTP 403 \(access denied/],
    [308, /HTTP 308 \(a redirect, which is not followed: check the API URL\)/],
  ])("fails the wallbox on HTTP %i without retrying", async (status, message) => {
    const server = await serve({ onSessionsRequest: () => ({ status }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(message);
    expect(server.requestsFor(box.wallboxId)).toBe(1);
  });

  it("fails the wallbox, naming the field, when an answer breaks the contract", async () => {
    const server = await serve();
    server.setSessions(box.wallboxId, [sessionItem(1), sessionItem(2, { commands_sent: -1 }), sessionItem(3, { started_at: "yesterday" })]);
    const error = (await clientFor(server)
      .listSessions(ORG_ID, box, OCTOBER)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(WallboxReadError);
    expect(error.message).toMatch(
      /does not match the contract: items\[1\]\.commands_sent: .*; items\[2\]\.started_at: expected an ISO 8601 date-time/,
    );
  });

  it("fails the wallbox on an answer that is not JSON", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 200, body: new LosslessNumber("1") }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(/does not match the contract: \(root\)/);
  });

  it("keeps unknown outcomes, extra fields and exact decimal literals", async () => {
    const server = await serve();
    server.setSessions(box.wallboxId, [
      sessionItem(1, { outcome: "paused_by_grid_operator", surplus_profile: { peak_kw: 3.2 }, savings_eur: new LosslessNumber("1.005") }),
      sessionItem(2, { outcome: null, energy_from_solar_kwh: null, savings_eur: null, has_complete_price_coverage: null, ended_at: null }),
      sessionItem(3, { savings_eur: new LosslessNumber("0.10000000000000000001"), energy_from_solar_kwh: new LosslessNumber("1e-3") }),
    ]);
    const [first, second, third] = await clientFor(server).listSessions(ORG_ID, box, OCTOBER);
    expect(first).toMatchObject({ outcome: "unknown", rawOutcome: "paused_by_grid_operator", savingsEur: "1.005" });
    expect(second).toMatchObject({ outcome: "unknown", rawOutcome: null, savingsEur: null, energyFromSolarKwh: null, endedAt: null });
    expect(third).toMatchObject({ savingsEur: "0.10000000000000000001", energyFromSolarKwh: "1e-3" });
  });

  it("fails the wallbox on an absurdly large number instead of exhausting memory", async () => {
    const server = await serve();
    server.setSessions(box.wallboxId, [sessionItem(1, { savings_eur: new LosslessNumber("1e999999999") })]);
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(
      /items\[0\]\.savings_eur: expected a decimal number of plausible size/,
    );
  });

  it("accepts ids up to the largest safe integer", async () => {
    const server = await serve();
    server.setSessions(box.wallboxId, [sessionItem(1, { id: 1234567890123456 }), sessionItem(2, { id: 9007199254740991 })]);
    expect((await clientFor(server).listSessions(ORG_ID, box, OCTOBER)).map((session) => session.id)).toEqual([1234567890123456, 9007199254740991]);
  });

  it("fetches one token for concurrent readers, and a new one once after a 401", async () => {
    const server = await serve();
    const tokens = simulatorTokens(server);
    const client = clientFor(server, fastHttp(), tokens);
    const boxes = ["a", "b", "c", "d"].map((name) => wallboxRef(name));
    await Promise.all(boxes.map((wallbox) => client.listSessions(ORG_ID, wallbox, OCTOBER)));
    expect(server.tokenRequests).toBe(1);
    const first = await tokens.token();
    server.revokeTokens();
    await Promise.all(boxes.map((wallbox) => client.listSessions(ORG_ID, wallbox, OCTOBER)));
    expect(server.tokenRequests).toBe(2);
    expect(await tokens.token()).not.toBe(first);
  });

  it("stops the run on a bearer token the API refuses, without the token in the message", async () => {
    const server = await serve();
    const secret = "tok_this-must-never-be-printed";
    const client = clientFor(server, fastHttp(), staticToken(secret, "PODERO_API_TOKEN"));
    const error = (await client.listSessions(ORG_ID, box, OCTOBER).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe("the Partner API refused PODERO_API_TOKEN (HTTP 401): it is wrong or has expired");
    expect(error.message).not.toContain(secret);
  });

  it("stops the run on client credentials the token endpoint refuses", async () => {
    const server = await serve({ clientSecret: "right" });
    const tokens = clientCredentialsToken({ tokenUrl: server.tokenUrl, clientId: "simulator-client", clientSecret: "wrong" }, fastHttp());
    const error = (await clientFor(server, fastHttp(), tokens)
      .listSessions(ORG_ID, box, OCTOBER)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/refused the client credentials \(HTTP 401\)/);
    expect(error.message).not.toContain("wrong");
    expect(server.requestsFor(box.wallboxId)).toBe(0);
  });

  it("fails a wallbox with implausibly many sessions instead of paging without end", async () => {
    const server = await serve({ onSessionsRequest: () => ({ status: 200, body: { total: 10_000_000, items: [sessionItem(1)] } }) });
    await expect(clientFor(server).listSessions(ORG_ID, box, OCTOBER)).rejects.toThrow(/10000000 sessions, more than the limit of 50000/);
  });
});
