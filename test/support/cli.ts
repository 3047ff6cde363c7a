import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { main } from "../../packages/cli/src/cli.ts";

export const NOW = new Date("2026-11-25T06:00:00Z");

export interface CliRun {
  code: number;
  info: string[];
  result: string[];
  /** Everything the CLI printed, both streams. */
  text: string;
}

/** Runs the CLI in-process, as `npm run report` would, capturing both output streams. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  hooks: { interrupt?: AbortSignal; onInfo?: (line: string) => void; onResult?: (line: string) => void } = {},
): Promise<CliRun> {
  const info: string[] = [];
  const result: string[] = [];
  const code = await main(argv, {
    env,
    now: () => NOW,
    retryDelayMs: 1,
    ...(hooks.interrupt ? { interrupt: hooks.interrupt } : {}),
    output: {
      info: (line) => {
        info.push(line);
        hooks.onInfo?.(line);
      },
      result: (line) => {
        result.push(line);
        hooks.onResult?.(line);
      },
    },
  });
  return { code, info, result, text: [...info, ...result].join("\n") };
}

export async function temporaryFolder(): Promise<{ path: string; files: () => Promise<string[]>; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "hems-reports-test-"));
  return {
    path,
    files: async () => (await readdir(path)).sort(),
    // Tests keep a config beside the folder (`${path}-wallboxes.json`), so it never shows among the reports.
    remove: async () => {
      await rm(path, { recursive: true, force: true });
      await rm(`${path}-wallboxes.json`, { force: true });
    },
  };
}

type TemporaryFolder = Awaited<ReturnType<typeof temporaryFolder>>;

/**
 * A fresh output folder for each test, removed after it, and the servers a test starts (`closeAfter`),
 * closed after it: `out.path` is the current test's folder.
 */
export function useCliFixture() {
  let folder: TemporaryFolder | undefined;
  const servers: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    folder = await temporaryFolder();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await folder?.remove();
  });
  const current = () => {
    if (!folder) throw new Error("useCliFixture's folder is made before each test");
    return folder;
  };
  return {
    out: {
      get path() {
        return current().path;
      },
      files: () => current().files(),
    },
    closeAfter: <T extends { close(): Promise<void> }>(server: T): T => {
      servers.push(server);
      return server;
    },
  };
}
