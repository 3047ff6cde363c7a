import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { monthlyReportSchema } from "@hems-reports/core/domain/report";
import { type Simulator, type SimulatorOptions, startSimulator } from "@hems-reports/simulator";
import { describe, expect, it } from "vitest";
import { ORG_ID, sessionItems, wallboxRef } from "../support/api.ts";
import { useCliFixture } from "../support/cli.ts";
import { runProcess } from "../support/process.ts";

/** The CLI as `npm run report` starts it: its own process, real signals, real exit statuses. */
const CLI = "packages/cli/src/main.ts";

// A fresh output folder for each test; the simulators a test starts are closed after it.
const { out, closeAfter } = useCliFixture();
let simulator: Simulator | undefined;

const boxes = [wallboxRef("one", "Garage"), wallboxRef("two", "Carport"), wallboxRef("three", "Barn")];

async function apiRun(options: SimulatorOptions, extraArgs: string[] = []) {
  simulator = closeAfter(await startSimulator({ seed: "tests", ...options }));
  for (const box of boxes) simulator.setSessions(box.wallboxId, sessionItems(3));
  const config = `${out.path}-wallboxes.json`;
  await writeFile(config, JSON.stringify({ orgId: ORG_ID, wallboxes: boxes }));
  const args = ["--api-url", simulator.url, "--config", config, "--out", out.path, "--month", "2026-10", "--concurrency", "1", ...extraArgs];
  return { args, env: { PODERO_CLIENT_ID: simulator.credentials.clientId, PODERO_CLIENT_SECRET: simulator.credentials.clientSecret } };
}

describe("npm run report as a process", () => {
  it("keeps going past a gzip body that never decodes, and ends with its closing line and status", async () => {
    // Node 20's fetch leaves such a body pending forever; before the fix, the event loop emptied
    // and the process ended with status 13, no message and no report.
    const { args, env } = await apiRun({
      onSessionsRequest: (request) =>
        request.wallboxId === boxes[2]!.wallboxId && request.count === 1 ? { corruptGzip: true, delayMs: 100 } : undefined,
    });
    const run = await runProcess(CLI, [...args, "--request-timeout", "1"], { env });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Complete report for 2026-10: 3 of 3 wallboxes read, 9 sessions/);
    const report = monthlyReportSchema.parse(JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8")));
    expect(report.wallboxes.map((wallbox) => wallbox.status)).toEqual(["ok", "ok", "ok"]);
    expect(simulator!.requestsFor(boxes[2]!.wallboxId)).toBe(2);
  });

  it("stops on SIGTERM like on Ctrl+C: exit 143, a closing line, nothing written", async () => {
    const { args, env } = await apiRun({ onSessionsRequest: (request) => (request.wallboxId === boxes[2]!.wallboxId ? { hang: true } : undefined) });
    let sent = false;
    const run = await runProcess(CLI, args, {
      env,
      onStderr: (text, child) => {
        if (!sent && text.includes("[2/3] ok")) {
          sent = true;
          child.kill("SIGTERM");
        }
      },
    });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(143);
    expect(run.stderr.trim().split("\n").at(-1)).toBe("hems-reports: terminated (SIGTERM). No report was written.");
    expect(await out.files()).toEqual([]);
  });

  it("refuses an output folder it cannot write before the first request, exit 2 naming the path", async () => {
    const { args, env } = await apiRun({});
    const file = join(out.path, "not-a-folder");
    await writeFile(file, "");
    const run = await runProcess(CLI, [...args, "--out", file], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `hems-reports: cannot write the report to ${file}: a file is in the way where a folder should be\nNo report was written.\n`,
    );
    expect(simulator!.tokenRequests).toBe(0);
    expect(boxes.map((box) => simulator!.requestsFor(box.wallboxId))).toEqual([0, 0, 0]);
  });

  it("finishes with the report's status when its reader has gone away (npm run report | head)", async () => {
    const run = await runProcess(CLI, ["--out", out.path, "--wallboxes", "3", "--month", "2026-10"], { closeStdout: true });
    expect(run.stderr).not.toMatch(/\n\s+at |EPIPE/);
    expect(run.code).toBe(0);
    expect(await out.files()).toEqual([
      "hems-savings-2026-10-summary.pdf",
      "hems-savings-2026-10.json",
      "hems-savings-2026-10.xlsx",
      "hems-savings-report.v4.schema.json",
      "hems-sessions-2026-10.csv",
    ]);
  });

  it("says so and exits 3 if the run is ever left waiting with nothing to wake it", async () => {
    const script = join(out.path, "never-settles.ts");
    const processModule = new URL("../../packages/cli/src/process.ts", import.meta.url).pathname;
    await writeFile(script, `import { runAsProcess } from ${JSON.stringify(processModule)};\nrunAsProcess(() => new Promise(() => {}));\n`);
    const run = await runProcess(script, []);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^hems-reports: unexpected error: the run was left waiting for something that never came .*\nNo report was written\./);
  });
});
