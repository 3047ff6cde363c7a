import { writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { startSimulator } from "@hems-reports/simulator";
import { describe, expect, it } from "vitest";
import { ORG_ID, wallboxRef } from "../support/api.ts";
import { runCli, useCliFixture } from "../support/cli.ts";

/**
 * A report of nothing must not reach finance: when the API or its token cannot be used, or not
 * one wallbox could be read, the run writes nothing and exits 2 with one sentence saying why.
 */
const { out, closeAfter } = useCliFixture();
const boxes = [wallboxRef("none-1", "Garage"), wallboxRef("none-2"), wallboxRef("none-3")];

async function configFile() {
  const path = `${out.path}-wallboxes.json`;
  await writeFile(path, JSON.stringify({ orgId: ORG_ID, wallboxes: boxes }));
  return path;
}

/** An HTTP server on a free loopback port that gives every request the same answer. */
async function answeringEverything(status: number, body: unknown) {
  const server = createHttpServer((_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback port that refuses connections: one a server held a moment ago and closed. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("no report of nothing", () => {
  it("stops before any read when the API cannot be reached with a static token, naming the URL and the cause", async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const run = await runCli(["--api-url", url, "--config", await configFile(), "--out", out.path, "--month", "2026-10"], {
      PODERO_API_TOKEN: "token-that-is-never-printed",
    });
    expect(run.code).toBe(2);
    expect(run.text).toContain(
      `hems-reports: the Partner API at ${url} could not be reached: GET ${url}/api/partners/v2.0/org/${ORG_ID}: network error (ECONNREFUSED)`,
    );
    expect(run.text).toContain("No report was written.");
    expect(run.text).not.toContain("token-that-is-never-printed");
    expect(await out.files()).toEqual([]);
  });

  it("stops when the API refuses the credentials' access to the organisation (HTTP 403)", async () => {
    // An API that answers 403 to everything, as one would to a token of another organisation.
    const server = closeAfter(await answeringEverything(403, { detail: "You do not have permission to perform this action." }));
    const run = await runCli(["--api-url", server.url, "--config", await configFile(), "--out", out.path, "--month", "2026-10"], {
      PODERO_API_TOKEN: "token-of-another-org",
    });
    expect(run.code).toBe(2);
    expect(run.text).toContain(
      `hems-reports: the Partner API at ${server.url} refused the credentials (HTTP 403 to GET ${server.url}/api/partners/v2.0/org/${ORG_ID}): they may not read organisation ${ORG_ID}`,
    );
    expect(await out.files()).toEqual([]);
  });

  it("stops when not one wallbox could be read, with the first wallbox's reason", async () => {
    const simulator = closeAfter(await startSimulator({ seed: "tests", onSessionsRequest: () => ({ status: 403, body: { detail: "Forbidden" } }) }));
    const run = await runCli(["--api-url", simulator.url, "--config", await configFile(), "--out", out.path, "--month", "2026-10"], {
      PODERO_API_TOKEN: simulator.issueToken(),
    });
    expect(run.code).toBe(2);
    expect(run.text).toContain(
      `hems-reports: not one of the 3 wallboxes could be read, so there is no report to write (the first: wallbox ${boxes[0]!.wallboxId}: sessions page at offset 0: HTTP 403 (access denied: the credentials may not read this wallbox))`,
    );
    expect(run.text).not.toMatch(/INCOMPLETE report/);
    expect(await out.files()).toEqual([]);
  });

  it("still writes an INCOMPLETE report when some wallboxes are read", async () => {
    const simulator = closeAfter(
      await startSimulator({
        seed: "tests",
        onSessionsRequest: (request) => (request.wallboxId === boxes[1]!.wallboxId ? { status: 403 } : undefined),
      }),
    );
    const run = await runCli(["--api-url", simulator.url, "--config", await configFile(), "--out", out.path, "--month", "2026-10"], {
      PODERO_API_TOKEN: simulator.issueToken(),
    });
    expect(run.code).toBe(1);
    expect(run.result[0]).toMatch(/^INCOMPLETE report for 2026-10: 2 of 3 wallboxes read/);
  });
});
