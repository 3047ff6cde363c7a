import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseReportConfig } from "@hems-reports/core/config";
import { previousFullMonth } from "@hems-reports/core/month";
import { clientCredentialsToken, DEFAULT_RETRY_POLICY, type HttpDeps, PartnerApiClient } from "@hems-reports/core/partner-api";
import { readMonthlyReport, writeReportFiles } from "@hems-reports/core/run";
import { createFileSpool } from "@hems-reports/core/spool";
import { localFolderStore } from "@hems-reports/core/storage";
import { demoConfig, startSimulator } from "@hems-reports/simulator";

/**
 * `npm run benchmark`: the whole monthly report for a large simulated org, timed phase by phase.
 * The simulator runs in this process, so it shares the CPU with the report: read rates here are a
 * floor for the client, not a promise about the real API (whose latency and limits decide).
 */
const { values } = parseArgs({
  options: {
    wallboxes: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    seed: { type: "string", default: "benchmark" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write("Usage: npm run benchmark -- [--wallboxes N (2000)] [--concurrency N (16)] [--seed TEXT]\n");
  process.exit(0);
}
const wallboxes = Number(values.wallboxes);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(wallboxes) || wallboxes < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write("benchmark: --wallboxes and --concurrency must be whole numbers from 1\n");
  process.exit(2);
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const simulator = await startSimulator({ seed: values.seed });
const folder = await mkdtemp(join(tmpdir(), "hems-benchmark-"));
const spool = await createFileSpool();
try {
  const config = parseReportConfig(demoConfig(values.seed, wallboxes), "(benchmark)");
  const window = previousFullMonth(new Date());
  const http: HttpDeps = { fetch: globalThis.fetch, policy: DEFAULT_RETRY_POLICY, random: Math.random };
  const tokens = clientCredentialsToken({ tokenUrl: simulator.tokenUrl, ...simulator.credentials }, http);
  let lastLine = performance.now();
  const started = performance.now();
  const content = await readMonthlyReport({
    config,
    window,
    generatedAt: new Date(),
    source: "benchmark",
    reader: new PartnerApiClient({ baseUrl: simulator.url, tokens, http }),
    concurrency,
    spool,
    onWallbox: (progress) => {
      if (performance.now() - lastLine > 2000) {
        lastLine = performance.now();
        process.stderr.write(`  ${progress.done}/${progress.total} wallboxes read\n`);
      }
    },
  });
  const read = performance.now();
  const readPeakRss = peakRss;
  const { workbook, json, csv } = await writeReportFiles(localFolderStore(folder), content);
  const written = performance.now();
  clearInterval(sampler);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const { report } = content;
  process.stdout.write(
    [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
      `Run: ${wallboxes} wallboxes, ${report.month}, concurrency ${concurrency}, simulator in process (seed "${values.seed}")`,
      `Sessions: ${report.totals.sessions}; failed wallboxes: ${report.wallboxes.filter((wallbox) => wallbox.status === "failed").length}`,
      `Read + summarize: ${seconds(read - started)} s (${(wallboxes / ((read - started) / 1000)).toFixed(0)} wallboxes/s, ${(report.totals.sessions / ((read - started) / 1000)).toFixed(0)} sessions/s)`,
      `Write workbook + JSON + CSV: ${seconds(written - read)} s (xlsx ${(workbook.bytes / 2 ** 20).toFixed(1)} MiB, json ${(json.bytes / 2 ** 20).toFixed(1)} MiB, csv ${csv.length} file(s) ${(csv.reduce((total, file) => total + file.bytes, 0) / 2 ** 20).toFixed(1)} MiB)`,
      `Peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MiB (${(readPeakRss / 2 ** 20).toFixed(0)} MiB by the end of reading), sampled every 50 ms`,
      "",
    ].join("\n"),
  );
} finally {
  clearInterval(sampler);
  await simulator.close();
  await spool.dispose();
  await rm(folder, { recursive: true, force: true });
}
