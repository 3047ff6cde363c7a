import type { WallboxProgress } from "@hems-reports/core/pipeline";

export interface Output {
  /** Progress and diagnostics (stderr). */
  info(line: string): void;
  /** The closing summary (stdout). */
  result(line: string): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Above this many wallboxes a line each would drown the terminal: print a line a second instead. */
const PER_WALLBOX_LIMIT = 200;

/**
 * Progress lines: one per wallbox for small orgs; for large ones a running count every second.
 * Failures are always printed as they happen.
 */
export function progressPrinter(output: Output, total: number, now = () => performance.now()) {
  const perWallbox = total <= PER_WALLBOX_LIMIT;
  const width = String(total).length;
  const started = now();
  let lastLine = started;
  let failed = 0;
  return (progress: WallboxProgress) => {
    const name = progress.wallbox.label ? `${progress.wallbox.label} (${progress.wallbox.wallboxId})` : progress.wallbox.wallboxId;
    const position = `[${String(progress.done).padStart(width)}/${total}]`;
    if (progress.status === "failed") {
      failed++;
      output.info(`${position} FAILED ${name}: ${progress.error}`);
      return;
    }
    if (perWallbox) {
      output.info(`${position} ok ${name}: ${progress.sessions} sessions, ${progress.savingsEur} EUR (${seconds(progress.durationMs)})`);
      return;
    }
    const time = now();
    if (time - lastLine >= 1000 || progress.done === total) {
      lastLine = time;
      const rate = progress.done / Math.max((time - started) / 1000, 0.001);
      output.info(`${position} wallboxes read, ${failed} failed, ${rate.toFixed(0)} wallboxes/s`);
    }
  };
}
