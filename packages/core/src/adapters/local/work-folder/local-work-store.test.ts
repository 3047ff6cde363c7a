import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorkLines, readWorkText } from "../../../ports/work-store.ts";
import { localWorkStore } from "./local-work-store.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "work-store-test-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("the local work store", () => {
  it("creates an object once: a second create changes nothing and says so", async () => {
    const store = localWorkStore(root);
    expect(await store.create("a/b.jsonl", async (out) => void out.end("first\nline two\n"))).toBe(true);
    expect(await store.create("a/b.jsonl", async (out) => void out.end("second\n"))).toBe(false);
    expect(await readWorkText(store, "a/b.jsonl")).toBe("first\nline two\n");
    const lines = [];
    for await (const line of (await openWorkLines(store, "a/b.jsonl"))!) lines.push(line);
    expect(lines).toEqual(["first", "line two"]);
    // No temporary files are left beside it.
    expect(await readdir(join(root, "a"))).toEqual(["b.jsonl"]);
    await store.create("a/c/d.bin", async (out) => void out.end("x"));
    await store.create("e.json", async (out) => void out.end("{}"));
    const listed = [];
    for await (const key of store.list("a/")) listed.push(key);
    expect(listed.sort()).toEqual(["a/b.jsonl", "a/c/d.bin"]);
  });

  it("leaves nothing when the producer fails, and answers undefined for a missing object", async () => {
    const store = localWorkStore(root);
    await expect(
      store.create("x.bin", async (out) => {
        out.write("half");
        throw new Error("producer broke");
      }),
    ).rejects.toThrow("producer broke");
    expect(await store.open("x.bin")).toBeUndefined();
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses a key that leaves its folder", async () => {
    await expect(localWorkStore(root).create("../outside", async (out) => void out.end(""))).rejects.toThrow(/leaves the work folder/);
  });
});
