import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Session } from "../../../domain/sessions/index.ts";
import { createFileSpool } from "./file-spool.ts";

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), "hems-spool-test-"));
});
afterEach(() => rm(parent, { recursive: true, force: true }));

function session(id: number, fields: Partial<Session> = {}): Session {
  return {
    id,
    ocppTransactionId: id + 1000,
    startedAt: "2026-10-01T01:00:00.123456Z",
    endedAt: null,
    finalHemsState: "finished",
    outcome: "charged_from_solar",
    rawOutcome: "charged_from_solar",
    energyFromSolarKwh: "1e-3",
    savingsEur: "0.10000000000000000001",
    hasCompletePriceCoverage: null,
    commandsSent: 3,
    commandsApplied: 2,
    commandsIneffective: 1,
    ...fields,
  };
}

describe("file spool", () => {
  it("gives back every session exactly as put, per position, whatever order they were put in", async () => {
    const spool = await createFileSpool(parent);
    const first = [session(1), session(2, { outcome: "unknown", rawOutcome: "paused_by_grid_operator", savingsEur: null })];
    const second = Array.from({ length: 5000 }, (_, index) => session(10 + index, { savingsEur: `${index}.005` }));
    await Promise.all([spool.put(7, second), spool.put(3, first), spool.put(5, [])]);
    expect(await spool.get(3)).toEqual(first);
    expect(await spool.get(7)).toEqual(second);
    expect(await spool.get(5)).toEqual([]);
    expect(await spool.get(4)).toEqual([]);
    await spool.dispose();
  });

  it("refuses a position put twice", async () => {
    const spool = await createFileSpool(parent);
    await spool.put(1, [session(1)]);
    await expect(spool.put(1, [session(2)])).rejects.toThrow("already holds position 1");
    await spool.dispose();
  });

  it("leaves no name on disk at any time, so a process that dies leaves nothing behind", async () => {
    const spool = await createFileSpool(parent);
    await spool.put(0, [session(1)]);
    await spool.flush();
    expect(await readdir(parent)).toEqual([]);
    expect(await spool.get(0)).toEqual([session(1)]);
    await spool.dispose();
    await expect(spool.get(0)).rejects.toThrow("already disposed");
  });

  it("waits for writes under way before it is disposed", async () => {
    const spool = await createFileSpool(parent);
    await Promise.all(Array.from({ length: 200 }, (_, position) => spool.put(position, [session(position + 1)])));
    await spool.dispose();
    await expect(spool.flush()).resolves.toBeUndefined();
  });

  it("refuses a position that is not a whole number from 0", async () => {
    const spool = await createFileSpool(parent);
    await expect(spool.put(-1, [])).rejects.toThrow("a spool position is a whole number from 0, not -1");
    await expect(spool.put(1.5, [])).rejects.toThrow("not 1.5");
    await spool.dispose();
  });
});
