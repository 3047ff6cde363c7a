import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { localFolderStore } from "@hems-reports/core/adapters/local/folder";
import { createFileSpool } from "@hems-reports/core/adapters/local/spool";
import { localWorkStore } from "@hems-reports/core/adapters/local/work-folder";
import {
  clientCredentialsToken,
  defaultHttp,
  defaultTokenUrl,
  type HttpDeps,
  MAX_PAGE_SIZE,
  PartnerApiClient,
  undiciSend,
} from "@hems-reports/core/adapters/partner-api";
import { parseReportConfigText, type ReportConfig } from "@hems-reports/core/domain/config";
import { isTimeZone, type MonthWindow, previousFullMonth } from "@hems-reports/core/domain/month";
import { sessionCells } from "@hems-reports/core/domain/workbook";
import { readMonthlyReport, writeMonthlyReport } from "@hems-reports/core/pipeline";
import ExcelJS from "exceljs";
import pMap from "p-map";

const HELP = `Usage: npm run bench -- [options]

Measures the monthly report against the Partner API simulator running in its own process, with a
latency per request, and prints what it measured (a table) and writes it as JSON.

For each concurrency:
  floor      a minimal client (fetch + JSON.parse, the same requests) pages through every wallbox
  report     the real report reads every wallbox (PartnerApiClient, spool), then writes its files
  bare       exceljs alone writes the same session rows and columns, for comparison

  fetchEfficiency    = report read time / ((requests / concurrency) × latency); 1.0 is the network ideal
  floorEfficiency    = the same for the minimal client; simulatorCpuShare = the simulator process's
                       CPU time ÷ the minimal client's wall time (1.0 would be one core, saturated)
  workbookEfficiency = report workbook time / bare exceljs time
  csvPartsSeconds    = the session detail's CSV parts, one after another (in AWS, one step each, at once);
  mergeSeconds       = then the workbook, the JSON and taking the parts over: the merge step's work
  peakRssMiB         = this process's peak RSS while the report reads and writes (sampled every 50 ms);
                       readPeakRssMiB the same by the end of reading

Options:
  --wallboxes N        wallboxes in the simulated org. Default: 2000
  --concurrency LIST   comma-separated concurrencies. Default: 8,32
  --latency-ms N       the simulator's latency per request. Default: 50
  --seed TEXT          seed of the simulated data. Default: benchmark
  --out DIR            where to write the JSON results. Default: bench/results
  --skip-bare          do not run the bare exceljs comparison (it needs ~800 MiB per million rows)
  --skip-floor         do not run the minimal client (for runs that measure memory and writing)
  --timezone ZONE      the month's timezone (sessions of neighbouring months are read, then
                       set aside and listed). Default: UTC
  --shards N           the report's shards (plan, shards one after another, merge). Default: 1.
                       jsonSha256 and csvSha256 let runs with different N be compared
  -h, --help           this text
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        wallboxes: { type: "string", default: "2000" },
        concurrency: { type: "string", default: "8,32" },
        "latency-ms": { type: "string", default: "50" },
        seed: { type: "string", default: "benchmark" },
        out: { type: "string", default: "bench/results" },
        "skip-bare": { type: "boolean", default: false },
        "skip-floor": { type: "boolean", default: false },
        shards: { type: "string", default: "1" },
        timezone: { type: "string", default: "UTC" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}. See --help.`);
  }
}

const values = parseCommandLine();
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const wallboxCount = Number(values.wallboxes);
const latencyMs = Number(values["latency-ms"]);
const concurrencies = values.concurrency.split(",").map(Number);
if (!Number.isInteger(wallboxCount) || wallboxCount < 1) fail("--wallboxes must be a whole number from 1");
if (!Number.isInteger(latencyMs) || latencyMs < 1) fail("--latency-ms must be a whole number from 1");
const shardCount = Number(values.shards);
if (!Number.isInteger(shardCount) || shardCount < 1) fail("--shards must be a whole number from 1");
if (concurrencies.some((value) => !Number.isInteger(value) || value < 1 || value > 64)) fail("--concurrency takes whole numbers from 1 to 64");
if (!isTimeZone(values.timezone)) fail(`--timezone "${values.timezone}" is not an IANA timezone`);

interface SimulatorProcess {
  url: string;
  child: ChildProcess;
}

/** The simulator in a process of its own, so it never shares this process's CPU or memory. */
async function startSimulatorProcess(folder: string): Promise<SimulatorProcess & { config: ReportConfig }> {
  const configPath = join(folder, "wallboxes.json");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "packages/simulator/src/main.ts",
      "--port",
      "0",
      "--latency-ms",
      String(latencyMs),
      "--seed",
      values.seed,
      "--wallboxes",
      String(wallboxCount),
      "--write-config",
      configPath,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /listening at (\S+)/.exec(line);
    if (match) {
      lines.close();
      return { url: match[1]!, child, config: parseReportConfigText(await readFile(configPath, "utf8"), configPath) };
    }
  }
  fail("the simulator did not start");
}

const http = defaultHttp();

/** CPU seconds a process has used (Linux /proc); undefined where that cannot be read. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of stat, counted from 1; here from the state field (3).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The floor: the same requests with nothing but fetch and JSON.parse. */
async function floorClient(url: string, token: string, config: ReportConfig, window: MonthWindow, concurrency: number) {
  let requests = 0;
  const started = performance.now();
  await pMap(
    config.wallboxes,
    async (wallbox) => {
      for (let offset = 0; ; ) {
        const query = new URLSearchParams({ from: window.from, to: window.to, limit: String(MAX_PAGE_SIZE), offset: String(offset) });
        const response = await fetch(
          `${url}/api/partners/v2.0/org/${config.orgId}/users/${wallbox.userId}/wallboxes/${wallbox.wallboxId}/hems-sessions?${query}`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        const page = JSON.parse(await response.text()) as { total: number; items: unknown[] };
        requests++;
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) return;
      }
    },
    { concurrency },
  );
  return { requests, ms: performance.now() - started };
}

/** Bare exceljs writing the same rows and columns: the streaming writer, column formats, nothing else. */
async function bareWorkbook(rows: AsyncIterable<unknown[]>, path: string, columns: number): Promise<number> {
  const started = performance.now();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Sessions");
  sheet.columns = Array.from({ length: columns }, () => ({ width: 16 }));
  for await (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
  return performance.now() - started;
}

const root = resolve(import.meta.dirname, "../../..");
process.chdir(root);
const scratch = await mkdtemp(join(tmpdir(), "hems-bench-"));
const simulator = await startSimulatorProcess(scratch);
const results: Record<string, unknown>[] = [];
try {
  const window = previousFullMonth(new Date(), values.timezone);
  const tokens = clientCredentialsToken(
    { tokenUrl: defaultTokenUrl(simulator.url), clientId: "simulator-client", clientSecret: "simulator-secret" },
    http,
  );
  const token = await tokens.token();
  for (const concurrency of concurrencies) {
    let floor: { requests: number; ms: number; simulatorCpuShare: number | null } | undefined;
    if (!values["skip-floor"]) {
      process.stderr.write(`concurrency ${concurrency}: minimal client…\n`);
      const cpuBefore = await cpuSeconds(simulator.child.pid);
      const run = await floorClient(simulator.url, token, simulator.config, window, concurrency);
      const cpuAfter = await cpuSeconds(simulator.child.pid);
      const share = cpuBefore === undefined || cpuAfter === undefined ? null : round((cpuAfter - cpuBefore) / (run.ms / 1000), 2);
      floor = { ...run, simulatorCpuShare: share };
    }

    process.stderr.write(`concurrency ${concurrency}: report…\n`);
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    let wallboxesRead = 0;
    let phase = "reading";
    // Progress on a run that may take minutes, with the memory it holds (heap and outside it).
    const progress = setInterval(() => {
      const memory = process.memoryUsage();
      const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
      process.stderr.write(
        `  ${phase}: ${wallboxesRead.toLocaleString("en")} of ${wallboxCount.toLocaleString("en")} wallboxes read; ` +
          `RSS ${mib(memory.rss)} MiB (JS heap ${mib(memory.heapUsed)} of ${mib(memory.heapTotal)} MiB, buffers ${mib(memory.arrayBuffers)} MiB)\n`,
      );
    }, 10_000);
    let requests = 0;
    const counting: HttpDeps["send"] = (url, init) => {
      requests++;
      return undiciSend(url, init);
    };
    const work = join(scratch, `work-${concurrency}`);
    const folder = join(scratch, `report-${concurrency}`);
    try {
      const readStarted = performance.now();
      const read = await readMonthlyReport({
        wallboxes: { from: "config", config: simulator.config },
        window,
        // Fixed, so runs of the same data give the same bytes (compare jsonSha256 across --shards).
        generatedAt: new Date(`${window.month}-01T00:00:00Z`),
        source: "bench",
        reader: new PartnerApiClient({ baseUrl: simulator.url, tokens, http: { ...http, send: counting } }),
        work: localWorkStore(work),
        openSpool: () => createFileSpool(),
        concurrency,
        shards: shardCount,
        onWallbox: () => {
          wallboxesRead++;
        },
      });
      const readMs = performance.now() - readStarted;
      const readPeakRss = peakRss;

      const fileStarts = new Map<string, number>();
      const writeStarted = performance.now();
      // Collect, the CSV parts, then the workbook and the JSON: what the workflow does after its shards.
      const { content, ...files } = await writeMonthlyReport(localFolderStore(folder), read, {
        onFile: (name) => {
          phase = `writing ${name}`;
          fileStarts.set(name, performance.now());
        },
      });
      const writeMs = performance.now() - writeStarted;
      clearInterval(sampler);
      clearInterval(progress);
      const workbookMs = fileStarts.get(files.json.name)! - fileStarts.get(files.workbook.name)!;
      // The CSV parts are written first (in AWS, each by its own step, at once); then the merge's files.
      const detailMs = fileStarts.get(files.workbook.name)! - writeStarted;
      const mergeMs = writeMs - detailMs;
      const { sessions } = content.report.totals;
      const ideal = (count: number) => (count / concurrency) * latencyMs;

      let bareMs: number | undefined;
      if (!values["skip-bare"] && sessions <= 1_500_000) {
        process.stderr.write(`concurrency ${concurrency}: bare exceljs…\n`);
        async function* rows() {
          for await (const { wallbox, sessions: list } of content.sessions()) {
            for (const session of list) yield sessionCells(wallbox, session, window.timeZone);
          }
        }
        bareMs = await bareWorkbook(rows(), join(scratch, `bare-${concurrency}.xlsx`), 15);
      }
      results.push({
        wallboxes: wallboxCount,
        sessions,
        timeZone: window.timeZone,
        sessionsOutsideMonth: content.report.totals.sessionsOutsideMonth,
        requests,
        concurrency,
        shards: shardCount,
        latencyMs,
        fetchSeconds: round(readMs / 1000, 2),
        fetchEfficiency: round(readMs / ideal(requests), 2),
        floorSeconds: floor ? round(floor.ms / 1000, 2) : null,
        floorEfficiency: floor ? round(floor.ms / ideal(floor.requests), 2) : null,
        simulatorCpuShare: floor ? floor.simulatorCpuShare : null,
        writeSeconds: round(writeMs / 1000, 2),
        csvPartsSeconds: round(detailMs / 1000, 2),
        mergeSeconds: round(mergeMs / 1000, 2),
        workbookSeconds: round(workbookMs / 1000, 2),
        bareWorkbookSeconds: bareMs === undefined ? null : round(bareMs / 1000, 2),
        workbookEfficiency: bareMs === undefined ? null : round(workbookMs / bareMs, 2),
        writeMicrosecondsPerSession: round((writeMs * 1000) / Math.max(1, sessions), 1),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        readPeakRssMiB: Math.round(readPeakRss / 2 ** 20),
        jsonSha256: files.json.sha256,
        csvSha256: files.csv.map((part) => part.sha256).join(","),
      });
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
      await rm(work, { recursive: true, force: true });
      await rm(folder, { recursive: true, force: true });
    }
  }
} finally {
  simulator.child.kill("SIGTERM");
  await once(simulator.child, "exit");
  await rm(scratch, { recursive: true, force: true });
}

function round(value: number, places: number): number {
  return Number(value.toFixed(places));
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
const date = new Date().toISOString();
// The checksums are for comparing runs, in the JSON; the table keeps to the measurements.
const columns = Object.keys(results[0] ?? {}).filter((column) => !column.endsWith("Sha256"));
process.stdout.write(`Machine: ${machine}\nCommand: ${command}\nDate: ${date}\n\n`);
process.stdout.write(`| ${columns.join(" | ")} |\n|${columns.map(() => "---:").join("|")}|\n`);
for (const result of results) process.stdout.write(`| ${columns.map((column) => String(result[column] ?? "–")).join(" | ")} |\n`);
const outFolder = resolve(values.out);
await mkdir(outFolder, { recursive: true });
const file = join(outFolder, `bench-${wallboxCount}-wallboxes${shardCount > 1 ? `-${shardCount}-shards` : ""}.json`);
await writeFile(file, `${JSON.stringify({ machine, command, date, results }, null, 2)}\n`);
process.stdout.write(`\nWrote ${file}\n`);
