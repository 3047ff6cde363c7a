import { randomUUID } from "node:crypto";
import { type FileHandle, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type ApiCredentials, credentialsTokenSource } from "@hems-reports/core/adapters/credentials";
import { localFolderStore, prepareLocalFolder } from "@hems-reports/core/adapters/local/folder";
import { createFileSpool } from "@hems-reports/core/adapters/local/spool";
import { withWorkFolder } from "@hems-reports/core/adapters/local/work-folder";
import { defaultHttp, defaultTokenUrl, normalizeBaseUrl, PartnerApiClient } from "@hems-reports/core/adapters/partner-api";
import { ConfigError, parseConfigLines, parseReportConfig, parseReportConfigText, type ReportConfig } from "@hems-reports/core/domain/config";
import { parseMonth, previousFullMonth } from "@hems-reports/core/domain/month";
import { coverageClause, type MonthTotals, previousMonthOf, stateSentence } from "@hems-reports/core/domain/report";
import { composeMime } from "@hems-reports/core/formats/mime";
import {
  type DiscoverySummary,
  earlierMonths,
  financeEmailFor,
  manifestFor,
  monthTotalsInFolder,
  type ReportContent,
  type ReportFiles,
  runMonthlyReport,
} from "@hems-reports/core/pipeline";
import { RunStopError } from "@hems-reports/core/shared/errors";
import { demoConfig, type Simulator, startSimulator } from "@hems-reports/simulator";
import { type CliOptions, credentialsFromEnv, HELP, parseOptions } from "./options.ts";
import { type Output, progressPrinter } from "./progress.ts";

export const EXIT = { complete: 0, incomplete: 1, stopped: 2, unexpected: 3, interrupted: 130, terminated: 143 } as const;

export type StopSignal = "SIGINT" | "SIGTERM";

/** The status a run stopped by `signal` exits with (128 + the signal's number, as shells expect). */
export const exitOnSignal = (signal: StopSignal) => (signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted);

/** The user (Ctrl+C) or a supervisor (SIGTERM) stopped the run. */
export class InterruptedError extends Error {
  constructor(readonly signal: StopSignal) {
    super(signal === "SIGTERM" ? "terminated (SIGTERM)" : "interrupted (Ctrl+C)");
    this.name = "InterruptedError";
  }
}

export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  output: Output;
  now: () => Date;
  /**
   * Aborts when the user interrupts (Ctrl+C) or a supervisor terminates the run; its reason names
   * the signal ("SIGINT" when it names none). Reads stop and nothing is written, unless the report
   * files were already complete.
   */
  interrupt?: AbortSignal;
  /** Overrides for tests: retry timings. */
  retryDelayMs?: number;
}

interface Target {
  apiUrl: string;
  tokenUrl: string;
  credentials: ApiCredentials;
  /** The wallboxes to report; none when they are to be discovered from the API (`--wallboxes-from api`). */
  config?: ReportConfig;
  orgId: string;
  simulator?: Simulator;
}

/** The config file: JSON, or JSON Lines (`.jsonl`, read a line at a time) for large orgs. */
async function loadConfigFile(path: string): Promise<ReportConfig> {
  const unreadable = (error: unknown) =>
    new ConfigError(`cannot read wallbox config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  if (path.endsWith(".jsonl")) {
    let file: FileHandle;
    try {
      file = await open(path, "r");
    } catch (error) {
      throw unreadable(error);
    }
    try {
      return await parseConfigLines(file.readLines({ encoding: "utf8" }), path);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw unreadable(error);
    } finally {
      await file.close().catch(() => undefined);
    }
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw unreadable(error);
  }
  return parseReportConfigText(text, path);
}

async function resolveTarget(options: CliOptions, environment: CliEnvironment): Promise<Target> {
  const apiUrl = options["api-url"];
  const discover = options["wallboxes-from"] === "api";
  if (apiUrl) {
    const config = discover ? undefined : await loadConfigFile(options.config!);
    const credentials = credentialsFromEnv(environment.env);
    const base = normalizeBaseUrl(apiUrl);
    return {
      apiUrl: base,
      tokenUrl: options["token-url"] ?? defaultTokenUrl(base),
      credentials,
      orgId: config?.orgId ?? options["org-id"]!,
      ...(config ? { config } : {}),
    };
  }
  const demo = demoConfig(options.seed, options.wallboxes);
  const config = discover ? undefined : options.config ? await loadConfigFile(options.config) : parseReportConfig(demo, "(simulator demo)");
  // The simulator's org has as many users as the demo has wallboxes (user i owns wallbox i, some users more).
  const simulator = await startSimulator({ seed: options.seed, orgUsers: options.wallboxes });
  environment.output.info(
    `Using the built-in Partner API simulator at ${simulator.url} (seed "${options.seed}", ${config ? `${config.wallboxes.length} wallboxes` : `${options.wallboxes} users`}). Pass --api-url to use the real API.`,
  );
  return {
    apiUrl: simulator.url,
    tokenUrl: simulator.tokenUrl,
    credentials: { kind: "client", ...simulator.credentials },
    orgId: config?.orgId ?? demo.orgId,
    ...(config ? { config } : {}),
    simulator,
  };
}

/** What discovery found, in one line for the terminal. */
function discoveryText(summary: DiscoverySummary): string {
  return (
    `Found ${summary.listedWallboxes} wallboxes of ${summary.usersWithWallboxes} users with wallboxes (${summary.users} users)` +
    `${summary.deletedWallboxes ? `; ${summary.deletedWallboxes} deleted, left out` : ""}` +
    `${summary.declaredWallboxes !== summary.listedWallboxes ? `; the users list counts ${summary.declaredWallboxes}` : ""}` +
    `${summary.usersNotListed ? `; the wallboxes of ${summary.usersNotListed} users could NOT be listed (the report is incomplete)` : ""}.`
  );
}

/**
 * The email finance would receive for this report, as a MIME message in `path`, with links to the
 * files written (file: URLs here; signed links in AWS). Written whole or not at all.
 */
async function writeEmail(
  path: string,
  content: ReportContent,
  files: ReportFiles,
  options: CliOptions,
  now: Date,
  previousMonth: MonthTotals | undefined,
): Promise<void> {
  const runId = randomUUID();
  const manifest = manifestFor(content, files, runId, "all");
  const email = await financeEmailFor(content, manifest, {
    orgLabel: options["org-label"] ?? content.organizationName,
    ...(previousMonth ? { previousMonth } : {}),
    files: [files.workbook, files.json, ...files.csv, files.summary].map((file) => ({ ...file, url: pathToFileURL(file.location).href })),
  });
  const raw = await composeMime(email, {
    from: options["email-from"],
    to: options["email-to"],
    date: now,
    messageId: `<${runId}@hems-reports>`,
    attachments: [{ filename: files.summary.name, content: files.summaryPdf, contentType: "application/pdf" }],
  });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, raw, { flag: "wx" });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** `npm run report`: parses flags, wires the adapters to the run, prints progress; answers the exit status. */
export async function main(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const { output } = environment;
  let simulator: Simulator | undefined;
  const abort = new AbortController();
  const onInterrupt = () => abort.abort(new InterruptedError(environment.interrupt?.reason === "SIGTERM" ? "SIGTERM" : "SIGINT"));
  if (environment.interrupt?.aborted) onInterrupt();
  environment.interrupt?.addEventListener("abort", onInterrupt, { once: true });
  try {
    const options = parseOptions(argv);
    if (options.help) {
      output.result(HELP);
      return EXIT.complete;
    }
    const window = options.month
      ? parseMonth(options.month, environment.now(), options.timezone)
      : previousFullMonth(environment.now(), options.timezone);
    const emailOut = options["email-out"] && resolve(options["email-out"]);
    if (emailOut) await prepareLocalFolder(dirname(emailOut));
    const outFolder = await prepareLocalFolder(options.out);
    const target = await resolveTarget(options, environment);
    simulator = target.simulator;
    const http = defaultHttp({
      policy: {
        requestTimeoutMs: options["request-timeout"] * 1000,
        maxWaitPerWallboxMs: options["max-retry-wait"] * 1000,
        ...(environment.retryDelayMs !== undefined ? { baseDelayMs: environment.retryDelayMs, maxDelayMs: environment.retryDelayMs } : {}),
      },
      signal: abort.signal,
    });
    const tokens = credentialsTokenSource(target.credentials, target.tokenUrl, http, "PODERO_API_TOKEN");
    // Fail fast on bad client credentials, before any wallbox is read.
    await tokens.token();
    const reader = new PartnerApiClient({ baseUrl: target.apiUrl, tokens, http });
    const { config } = target;

    const started = performance.now();
    const reading = (wallboxes: number) =>
      output.info(
        `Reading ${wallboxes} wallboxes for ${window.month} in ${window.timeZone} (the API's UTC days ${window.from} to ${window.to}), ${options.concurrency} at a time` +
          `${options.shards > 1 ? `, in ${options.shards} shards` : ""}…`,
      );
    if (config) reading(config.wallboxes.length);
    else output.info(`Listing the organisation's users and their wallboxes (${options.concurrency} users at a time)…`);
    let wallboxCount = config?.wallboxes.length ?? 0;
    let printer: ReturnType<typeof progressPrinter> | undefined;
    const earlier = await earlierMonths(window.month, monthTotalsInFolder(outFolder));
    const result = await runMonthlyReport({
      wallboxes: config ? { from: "config", config } : { from: "partner-api", orgId: target.orgId },
      onDiscovered: (summary) => {
        wallboxCount = summary.listedWallboxes;
        output.info(discoveryText(summary));
        reading(wallboxCount);
      },
      window,
      generatedAt: environment.now(),
      source: `Podero Partner API at ${target.apiUrl}${target.simulator ? " (built-in simulator)" : ""}`,
      reader,
      store: localFolderStore(outFolder),
      openSpool: () => createFileSpool(),
      withWorkStore: withWorkFolder,
      concurrency: options.concurrency,
      shards: options.shards,
      sessionRowLimit: options["max-workbook-sessions"],
      ...(options["org-label"] ? { orgLabel: options["org-label"] } : {}),
      // Earlier months' reports in the same folder give the Summary's comparison and the Trend sheet.
      earlierMonths: earlier,
      onFile: options.quiet ? undefined : (name) => output.info(`Writing ${name}…`),
      signal: abort.signal,
      // The printer is made at the first wallbox: discovery may only then have counted them.
      onWallbox: options.quiet
        ? undefined
        : (progress) => {
            printer ??= progressPrinter(output, wallboxCount);
            printer(progress);
          },
      onWritten: emailOut
        ? (content, files) => writeEmail(emailOut, content, files, options, environment.now(), previousMonthOf(window.month, earlier))
        : undefined,
    }).catch((error: unknown) => {
      abort.abort(error);
      throw error;
    });

    const { report } = result;
    const { count, failed } = result.wallboxes;
    const elapsed = ((performance.now() - started) / 1000).toFixed(1);
    output.result(
      `${report.complete ? "Complete" : "INCOMPLETE"} report for ${report.month}: ${count - failed} of ${count} wallboxes read` +
        `${failed ? ` (${failed} FAILED, listed in the report)` : ""}, ${report.totals.sessions} sessions, ` +
        `savings ${report.totals.savingsEur} EUR, energy from solar ${report.totals.energyFromSolarKwh} kWh, in ${elapsed} s.` +
        `${report.totals.sessionsOutsideMonth ? ` ${report.totals.sessionsOutsideMonth} sessions the API returned started in a neighbouring month: not counted (Data quality lists them).` : ""}`,
    );
    // The report's state in the words every file uses, where it is more than "all read".
    if (coverageClause(report.coverage) || report.coverage.usersNotListed)
      output.result(`${stateSentence(report, { count, failed })} The workbook's Data quality sheet lists the users concerned.`);
    output.result(`Wrote ${result.workbook.location}`);
    output.result(`Wrote ${result.json.location}`);
    output.result(`Wrote ${result.summary.location} (the one-page summary)`);
    for (const part of result.csv) output.result(`Wrote ${part.location}`);
    output.result(`Wrote ${result.schema.location} (the JSON report's contract)`);
    if (result.wallboxList) output.result(`Wrote ${result.wallboxList.location} (the wallboxes found, a config to repeat the run with)`);
    if (emailOut) output.result(`Wrote ${emailOut} (the email finance would receive)`);
    if (abort.signal.reason instanceof InterruptedError) {
      output.info(`hems-reports: ${abort.signal.reason.message} after the report files were complete: they were written in full.`);
    }
    return report.complete ? EXIT.complete : EXIT.incomplete;
  } catch (error) {
    if (abort.signal.reason instanceof InterruptedError) {
      output.info(`hems-reports: ${abort.signal.reason.message}. No report was written.`);
      return exitOnSignal(abort.signal.reason.signal);
    }
    if (error instanceof RunStopError) {
      output.info(`hems-reports: ${error.message}\nNo report was written.`);
      return EXIT.stopped;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.info(`hems-reports: unexpected error: ${message}\nNo report was written. Set DEBUG=hems-reports to see the stack trace.`);
    if (environment.env.DEBUG?.includes("hems-reports") && error instanceof Error) output.info(error.stack ?? "");
    return EXIT.unexpected;
  } finally {
    environment.interrupt?.removeEventListener("abort", onInterrupt);
    // The report's outcome is already decided; a simulator that does not stop cleanly does not change it.
    await simulator?.close().catch((error: unknown) => output.info(`hems-reports: the built-in simulator did not stop cleanly: ${String(error)}`));
  }
}
