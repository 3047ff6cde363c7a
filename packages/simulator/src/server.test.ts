import { afterEach, describe, expect, it } from "vitest";
import { USER_TRAPS } from "./organization.ts";
import { type Simulator, startSimulator } from "./server.ts";

const ORG = "0b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a11";
const USER = "1b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a01";
const WALLBOX = "2b9f6c1e-3c5d-4e0a-9b51-2f7c8d9e0a01";

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function timedPage(server: Simulator): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(
    `${server.url}/api/partners/v2.0/org/${ORG}/users/${USER}/wallboxes/${WALLBOX}/hems-sessions?from=2026-10-01&to=2026-10-31&limit=200`,
    { headers: { authorization: `Bearer ${server.issueToken()}` } },
  );
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

describe("the simulator's latency", () => {
  it("answers the latency after the request arrived, its own work included, not added on top", async () => {
    const latencyMs = 300;
    const workMs = 200;
    simulator = await startSimulator({
      latencyMs,
      onSessionsRequest: () => {
        // Work on the simulator's main thread, as generating a large wallbox's month is.
        const until = performance.now() + workMs;
        while (performance.now() < until);
      },
    });
    const { status, ms } = await timedPage(simulator);
    expect(status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(latencyMs - 1);
    // Latency and work one after the other would take at least 500 ms.
    expect(ms).toBeLessThan(latencyMs + workMs - 50);
  });
});

describe("the simulated organisation's users and wallboxes", () => {
  const get = async (server: Simulator, path: string) => {
    const response = await fetch(`${server.url}/api/partners/v2.0/org/${ORG}${path}`, {
      headers: { authorization: `Bearer ${server.issueToken()}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>[] };
  };

  it("lists every user once, with the traps at their places, and each user's wallboxes, a deleted one marked", async () => {
    simulator = await startSimulator({ seed: "org", orgUsers: 120 });
    const { status, body: users } = await get(simulator, "/users");
    expect(status).toBe(200);
    expect(users).toHaveLength(120);
    expect(new Set(users.map((user) => user.id)).size).toBe(120);
    const positions = Array.from({ length: 120 }, (_, index) => index);
    expect(users.flatMap((user, index) => (user.external_user_id === null ? [index] : []))).toEqual(positions.filter(USER_TRAPS.noExternalId));
    // User 6 has a deleted wallbox besides its own, which num_wallboxes does not count.
    const six = await get(simulator, `/users/${users[6]!.id}/wallboxes`);
    expect(six.body.map((wallbox) => wallbox.deleted_at !== null)).toEqual([false, true]);
    expect(users[6]!.num_wallboxes).toBe(1);
    // User 9 (9 % 50 === 9) says a wallbox more than its list holds; user 3 has two.
    expect([users[9]!.num_wallboxes, (await get(simulator, `/users/${users[9]!.id}/wallboxes`)).body.length]).toEqual([2, 1]);
    expect((await get(simulator, `/users/${users[3]!.id}/wallboxes`)).body).toHaveLength(2);
    expect((await get(simulator, "/users/00000000-0000-4000-8000-000000000000/wallboxes")).status).toBe(404);
  });

  it("sends a list of 200,000 users as it makes it", async () => {
    simulator = await startSimulator({ seed: "org", orgUsers: 200_000 });
    const response = await fetch(`${simulator.url}/api/partners/v2.0/org/${ORG}/users`, {
      headers: { authorization: `Bearer ${simulator.issueToken()}` },
    });
    let bytes = 0;
    for await (const chunk of response.body!) bytes += (chunk as Uint8Array).length;
    expect(bytes).toBeGreaterThan(200_000 * 300);
  });
});
