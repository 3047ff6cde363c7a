import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { s3WorkStore } from "@hems-reports/core/adapters/aws/s3";
import { localFolderStore } from "@hems-reports/core/adapters/local/folder";
import { localWorkStore } from "@hems-reports/core/adapters/local/work-folder";
import type { WallboxRef } from "@hems-reports/core/domain/config";
import { monthWindow } from "@hems-reports/core/domain/month";
import { type QualityIssue, qualityIssuesOf, writeMonthlyReportJson } from "@hems-reports/core/domain/report";
import type { SessionsReader } from "@hems-reports/core/domain/sessions";
import { workKeys } from "@hems-reports/core/domain/shards";
import {
  collectRun,
  mergedReport,
  planRun,
  readMonthlyReport,
  readPlan,
  runMonthlyReport,
  runShard,
  shardSessions,
  WorkStoreError,
  wallboxesFromStore,
  writeDetailPart,
  writeMonthlyReport,
  writeReportFiles,
} from "@hems-reports/core/pipeline";
import { type Simulator, startSimulator, uuidOf } from "@hems-reports/simulator";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientFor, OCTOBER, ORG_ID } from "../support/api.ts";
import { temporaryFolder } from "../support/cli.ts";
import { localScratch } from "../support/local.ts";
import { startLocalS3 } from "../support/s3.ts";

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let simulator: Simulator;
beforeEach(async () => {
  folder = await temporaryFolder();
  simulator = await startSimulator({ seed: "tests" });
});
afterEach(async () => {
  await simulator.close();
  await folder.remove();
});

// 20 wallboxes of 8 users, a user's wallboxes scattered through the config, one that fails.
const wallboxes: WallboxRef[] = Array.from({ length: 20 }, (_, index) => ({
  userId: uuidOf("tests", "user", String((index * 5) % 8)),
  wallboxId: uuidOf("tests", "wallbox", String(index)),
  ...(index % 3 === 0 ? { label: `Box ${index}` } : {}),
}));
const config = { orgId: ORG_ID, wallboxes };
const FAILING = wallboxes[6]!.wallboxId;

function report(shards: number, out: string, reader: ReturnType<typeof clientFor>, window = OCTOBER) {
  return runMonthlyReport({
    ...localScratch,
    wallboxes: { from: "config", config },
    window,
    generatedAt: new Date("2026-11-01T06:00:00Z"),
    source: "test",
    reader,
    concurrency: 3,
    shards,
    store: localFolderStore(out),
    csvRowsPerPart: 200,
    sessionRowLimit: 1_000_000,
  });
}

async function cellValues(path: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push(row.values));
    return { name: sheet.name, rows };
  });
}

describe("a sharded run", () => {
  it.each([
    ["UTC", OCTOBER],
    ["Europe/Vienna", monthWindow("2026-10", "Europe/Vienna")],
  ])("gives byte-identical JSON and CSV, and identical workbook cells, with 1, 3 and 7 shards (%s)", async (_zone, window) => {
    // The same wallbox fails in every run: a 404 is not retried.
    const failing = await startSimulator({
      seed: "tests",
      onSessionsRequest: (request) => (request.wallboxId === FAILING ? { status: 404 } : undefined),
    });
    const plain = new Map<number, { files: string[]; json: string; csv: string[]; cells: unknown }>();
    for (const shards of [1, 3, 7]) {
      const out = join(folder.path, `shards-${shards}`);
      const result = await report(shards, out, clientFor(failing), window);
      const files = (await readdir(out)).sort();
      plain.set(shards, {
        files,
        json: await readFile(result.json.location, "utf8"),
        csv: await Promise.all(result.csv.map((file) => readFile(file.location, "utf8"))),
        cells: await cellValues(result.workbook.location),
      });
    }
    await failing.close();
    const one = plain.get(1)!;
    expect(one.files.filter((name) => name.endsWith(".csv")).length).toBeGreaterThan(1);
    const json = JSON.parse(one.json);
    expect(json.complete).toBe(false);
    expect(json.wallboxes).toHaveLength(20);
    // Grouped by user, users in order of first appearance.
    const users = json.wallboxes.map((entry: { userId: string }) => entry.userId);
    expect(users).toEqual([...users].sort((a: string, b: string) => users.indexOf(a) - users.indexOf(b)));
    expect(new Set(users).size).toBe(8);
    // The users' figures add up to the totals exactly, as the wallboxes' do; the user of the failing wallbox says so.
    type User = { wallboxes: number; wallboxesFailed: number; figures: { sessions: number; savingsEur: string } | null };
    const cents = (eur: string) => BigInt(eur.replace(".", ""));
    expect(json.users).toHaveLength(8);
    expect(json.users.reduce((sum: bigint, user: User) => sum + (user.figures ? cents(user.figures.savingsEur) : 0n), 0n)).toBe(
      cents(json.totals.savingsEur),
    );
    expect(json.users.reduce((sum: number, user: User) => sum + (user.figures?.sessions ?? 0), 0)).toBe(json.totals.sessions);
    expect(json.users.filter((user: User) => user.wallboxesFailed > 0)).toEqual([expect.objectContaining({ wallboxesFailed: 1 })]);
    // Vienna's October begins two hours before UTC's: the sessions of 30 September before then are listed, not counted, whatever the shards.
    const outside = json.totals.sessionsOutsideMonth;
    expect(outside > 0).toBe(window.timeZone !== "UTC");
    const notCounted = (one.cells as { name: string; rows: unknown[][] }[])
      .filter((sheet) => sheet.name.startsWith("Data quality"))
      .flatMap((sheet) => sheet.rows)
      .filter((row) => Array.isArray(row) && row[2] === "Not in this month"); // [, started at, kind, …]
    expect(notCounted).toHaveLength(outside);
    for (const shards of [3, 7]) {
      const other = plain.get(shards)!;
      expect(other.files).toEqual(one.files);
      expect(other.json).toBe(one.json);
      expect(other.csv).toEqual(one.csv);
      expect(other.cells).toEqual(one.cells);
    }
  });

  it("runs a shard once: run again after it finished, it reads nothing and changes nothing", async () => {
    const work = localWorkStore(join(folder.path, "work"));
    const plan = await planRun(work, { config, window: OCTOBER, generatedAt: new Date("2026-11-01T06:00:00Z"), shards: 2 });
    expect(await planRun(work, { config, window: OCTOBER, generatedAt: new Date(), shards: 5 })).toEqual(plan);
    let requests = 0;
    const client = clientFor(simulator);
    const counting: SessionsReader = {
      organization: (orgId) => client.organization(orgId),
      listSessions: (...args) => {
        requests++;
        return client.listSessions(...args);
      },
    };
    const shard = plan.shards[0]!;
    const first = await runShard(work, plan, shard, { reader: counting, concurrency: 2, openSpool: localScratch.openSpool });
    expect(first.status).toBe("done");
    expect(requests).toBeGreaterThan(0);
    const stored = await readFile(join(folder.path, "work", workKeys.shardEntries(0)), "utf8");
    const before = requests;
    expect(await runShard(work, plan, shard, { reader: counting, concurrency: 2, openSpool: localScratch.openSpool })).toEqual({
      status: "already done",
    });
    expect(requests).toBe(before);
    expect(await readFile(join(folder.path, "work", workKeys.shardEntries(0)), "utf8")).toBe(stored);
  });

  it("reports every wallbox of a shard that stored no result as failed: incomplete, never short of rows", async () => {
    const work = localWorkStore(join(folder.path, "work"));
    const plan = await planRun(work, { config, window: OCTOBER, generatedAt: new Date("2026-11-01T06:00:00Z"), shards: 3 });
    for (const shard of [plan.shards[0]!, plan.shards[2]!])
      await runShard(work, plan, shard, { reader: clientFor(simulator), concurrency: 2, openSpool: localScratch.openSpool });
    const collected = await collectRun(work, plan, { shardFailure: () => "not read: its shard failed 3 times (HTTP 503)" });
    for (const part of collected.parts) await writeDetailPart(work, plan, collected, part);
    const content = await mergedReport(work, plan, collected, { source: "test" });
    expect(content.report.complete).toBe(false);
    expect(content.wallboxes).toMatchObject({ count: 20, failed: plan.shards[1]!.count });
    const entries = [];
    for await (const entry of content.wallboxes.read()) entries.push(entry);
    expect(entries).toHaveLength(20);
    const missing = entries.slice(plan.shards[1]!.first, plan.shards[1]!.first + plan.shards[1]!.count);
    expect(missing.every((entry) => entry.status === "failed" && entry.error === "not read: its shard failed 3 times (HTTP 503)")).toBe(true);
    let sessions = 0;
    for await (const wallbox of content.sessions()) sessions += wallbox.sessions.length;
    expect(sessions).toBe(content.report.totals.sessions);
  });

  it("refuses work objects it did not write, naming them", async () => {
    const root = join(folder.path, "work");
    const work = localWorkStore(root);
    const plan = await planRun(work, { config, window: OCTOBER, generatedAt: new Date("2026-11-01T06:00:00Z"), shards: 1 });
    const result = await runShard(work, plan, plan.shards[0]!, { reader: clientFor(simulator), concurrency: 2, openSpool: localScratch.openSpool });
    // A sessions object cut short is an error, never fewer sessions.
    const sessionsPath = join(root, result.status === "done" ? result.header.sessionsKey : "");
    const bytes = await readFile(sessionsPath);
    await writeFile(sessionsPath, bytes.subarray(0, bytes.length - 3));
    // A sessions object cut short is refused by the CSV part that reads it, and by the merge.
    const collected = await collectRun(work, plan);
    await expect(writeDetailPart(work, plan, collected, collected.parts[0]!)).rejects.toThrow(/sessions-.*\.bin ends in the middle of a frame/);
    await expect(mergedReport(work, plan, collected, { source: "test" })).rejects.toThrow(/part 1 of the session detail .* was not written/);
    const content = {
      sessions: () =>
        shardSessions(
          work,
          plan,
          collected.shards.map((outcome) => (outcome.status === "done" ? outcome.header : undefined)),
          wallboxesFromStore(work),
        ),
    };
    await expect(
      (async () => {
        for await (const _ of content.sessions());
      })(),
    ).rejects.toThrow(/sessions-.*\.bin ends in the middle of a frame/);
    await writeFile(join(root, workKeys.plan), '{"schemaVersion": 2}');
    await expect(readPlan(work)).rejects.toThrow(WorkStoreError);
    await expect(readPlan(work)).rejects.toThrow(/plan\.json is not what this version writes/);
  });

  it("writes each CSV part once with its Data quality lines, the same lines as from the sessions, and refuses a part damaged since", async () => {
    const root = join(folder.path, "work");
    const work = localWorkStore(root);
    const plan = await planRun(work, { config, window: OCTOBER, generatedAt: new Date("2026-11-01T06:00:00Z"), shards: 3 });
    for (const shard of plan.shards)
      await runShard(work, plan, shard, { reader: clientFor(simulator), concurrency: 2, openSpool: localScratch.openSpool });
    const collected = await collectRun(work, plan, { csvRowsPerPart: 150 });
    expect(collected.parts.length).toBeGreaterThan(2);
    expect(await collectRun(work, plan, { csvRowsPerPart: 10 })).toEqual(collected);
    // Parts in any order, as the workflow's Map runs them; a repeated part writes nothing.
    for (const part of [...collected.parts].reverse()) expect((await writeDetailPart(work, plan, collected, part)).status).toBe("done");
    expect(await writeDetailPart(work, plan, collected, collected.parts[0]!)).toEqual({ status: "already done" });

    const content = await mergedReport(work, plan, collected, { source: "test" });
    const fromParts: QualityIssue[] = [];
    for await (const issue of content.detail.qualityIssues()) fromParts.push(issue);
    const fromSessions: QualityIssue[] = [];
    for await (const issue of qualityIssuesOf(content.sessions)()) fromSessions.push(issue);
    expect(fromParts.length).toBeGreaterThan(0);
    expect(fromParts).toEqual(fromSessions);

    const part = content.detail.parts[1]!;
    const path = join(root, part.object.key);
    await writeFile(path, (await readFile(path, "utf8")).replace(/,1\.\d/, ",9.9"));
    const out = join(folder.path, "out");
    await expect(writeReportFiles(localFolderStore(out), content)).rejects.toThrow(
      new RegExp(`${part.object.key} is not the file its step wrote \\(its SHA-256 differs\\): it was damaged`),
    );
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it("refuses a sessions object holding more sessions than its shard's header counts, also where a part ends exactly at that shard's end", async () => {
    for (const tampered of [0, 2]) {
      const root = join(folder.path, `work-${tampered}`);
      const work = localWorkStore(root);
      const plan = await planRun(work, { config, window: OCTOBER, generatedAt: new Date("2026-11-01T06:00:00Z"), shards: 3 });
      for (const shard of plan.shards)
        await runShard(work, plan, shard, { reader: clientFor(simulator), concurrency: 2, openSpool: localScratch.openSpool });
      // The header undercounts by one: a session would be left out if no part read the shard to its end.
      const entries = join(root, workKeys.shardEntries(tampered));
      const [headerLine, ...rest] = (await readFile(entries, "utf8")).split("\n");
      const header = JSON.parse(headerLine!);
      header.totals.sessions -= 1;
      await writeFile(entries, [JSON.stringify(header), ...rest].join("\n"));
      // Parts that end exactly where the tampered shard ends (by its header).
      const collected = await collectRun(work, plan, { csvRowsPerPart: tampered === 0 ? header.totals.sessions : 1_000 });
      const written = collected.parts.map((part) =>
        writeDetailPart(work, plan, collected, part).then(
          () => "done",
          (error: Error) => error.message,
        ),
      );
      const messages = await Promise.all(written);
      expect(messages).toContainEqual(
        expect.stringMatching(
          new RegExp(`holds ${header.totals.sessions + 1} sessions, shard ${tampered + 1}'s result counts ${header.totals.sessions}`),
        ),
      );
    }
  });

  it("keeps its work objects in S3 just as well: the same report, each object created once", async () => {
    const s3 = await startLocalS3();
    try {
      const generatedAt = new Date("2026-11-01T06:00:00Z");
      const reports: string[] = [];
      for (const work of [localWorkStore(join(folder.path, "work")), s3WorkStore(s3, "work/run-1/")]) {
        const read = await readMonthlyReport({
          openSpool: localScratch.openSpool,
          wallboxes: { from: "config", config },
          window: OCTOBER,
          generatedAt,
          source: "test",
          reader: clientFor(simulator),
          work,
          shards: 3,
          concurrency: 2,
        });
        const { content } = await writeMonthlyReport(localFolderStore(join(folder.path, `out-${reports.length}`)), read);
        const out = new PassThrough();
        const [json] = await Promise.all([text(out), writeMonthlyReportJson(content.report, content.wallboxes, out)]);
        reports.push(json);
      }
      expect(reports[1]).toBe(reports[0]);
      const work = s3WorkStore(s3, "work/run-1/");
      expect(await work.create(workKeys.plan, async (out) => void out.end("{}"))).toBe(false);
      expect(await work.open("no/such/object")).toBeUndefined();
    } finally {
      await s3.close();
    }
  });
});
