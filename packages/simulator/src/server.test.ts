import { afterEach, describe, expect, it } from "vitest";
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
