import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point as its own Node process (through tsx, as `npm run report` does),
 * so what only a real process shows can be tested: signals, exit statuses, an emptied event loop.
 * `onStderr` sees stderr as it grows and may act on the child (send it a signal).
 */
export function runProcess(
  entry: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    timeoutMs?: number;
    /** Close the reading end of stdout at once, as `| head` does once it has what it wants. */
    closeStdout?: boolean;
  } = {},
): Promise<ProcessRun> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  const limit = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 25_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
