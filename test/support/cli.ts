import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
