import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile as writeText } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile, writeTogether } from "../../../ports/report-store.ts";
import { localFolderStore, OutputFolderError, prepareLocalFolder } from "./local-folder.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hems-store-"));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

describe("local folder store", () => {
  it("writes the file, and reports its size and sha256", async () => {
    const store = localFolderStore(join(folder, "nested", "reports"));
    const stored = await writeFile(store, {
      name: "a.json",
      contentType: "application/json",
      produce: async (out) => {
        out.write('{"a":');
        out.end("1}\n");
      },
    });
    const bytes = await readFile(stored.location);
    expect(bytes.toString()).toBe('{"a":1}\n');
    expect(stored).toMatchObject({ name: "a.json", bytes: 8, sha256: createHash("sha256").update(bytes).digest("hex") });
  });

  it("leaves neither a half-written file nor a temporary one when producing fails, and keeps the old file", async () => {
    await writeText(join(folder, "a.xlsx"), "previous report");
    const store = localFolderStore(folder);
    await expect(
      writeFile(store, {
        name: "a.xlsx",
        contentType: "application/octet-stream",
        produce: async (out) => {
          out.write("half a workb");
          throw new Error("disk on fire");
        },
      }),
    ).rejects.toThrow("disk on fire");
    expect(await readdir(folder)).toEqual(["a.xlsx"]);
    expect(await readFile(join(folder, "a.xlsx"), "utf8")).toBe("previous report");
  });

  it("shows no new file of a pair when the second one fails, so a workbook never sits beside another run's JSON", async () => {
    await writeText(join(folder, "r.xlsx"), "old workbook");
    await writeText(join(folder, "r.json"), "old json");
    const store = localFolderStore(folder);
    await expect(
      writeTogether(store, [
        { name: "r.xlsx", contentType: "x", produce: async (out) => void out.end("new workbook") },
        {
          name: "r.json",
          contentType: "x",
          produce: async () => {
            throw new Error("serializer broke");
          },
        },
      ]),
    ).rejects.toThrow("serializer broke");
    expect((await readdir(folder)).sort()).toEqual(["r.json", "r.xlsx"]);
    expect(await readFile(join(folder, "r.xlsx"), "utf8")).toBe("old workbook");
  });

  it("stops a pair whose run is stopped while it is produced: neither file is shown, no temporary file is left", async () => {
    const store = localFolderStore(folder);
    const stop = new AbortController();
    await expect(
      writeTogether(
        store,
        [
          { name: "r.xlsx", contentType: "x", produce: async (out) => void out.end("workbook") },
          {
            name: "r.json",
            contentType: "x",
            produce: async (out) => {
              stop.abort(new Error("Ctrl+C"));
              out.end("json");
            },
          },
        ],
        stop.signal,
      ),
    ).rejects.toThrow("Ctrl+C");
    expect(await readdir(folder)).toEqual([]);
  });

  it("finishes a pair whose files were complete when the run was stopped", async () => {
    const inner = localFolderStore(folder);
    const stop = new AbortController();
    // The stop arrives while the first file is being moved into place.
    const store = {
      adopt: inner.adopt,
      stage: async (...args: Parameters<typeof inner.stage>) => {
        const staged = await inner.stage(...args);
        const commit = () => {
          stop.abort(new Error("Ctrl+C"));
          return staged.commit();
        };
        return { ...staged, commit };
      },
    };
    const stored = await writeTogether(
      store,
      [
        { name: "r.xlsx", contentType: "x", produce: async (out) => void out.end("workbook") },
        { name: "r.json", contentType: "x", produce: async (out) => void out.end("json") },
      ],
      stop.signal,
    );
    expect(stored.map((file) => file.name)).toEqual(["r.xlsx", "r.json"]);
    expect((await readdir(folder)).sort()).toEqual(["r.json", "r.xlsx"]);
  });
});

describe("checking the output folder before a run", () => {
  it("creates a missing folder and leaves nothing in it", async () => {
    const path = join(folder, "new", "reports");
    expect(await prepareLocalFolder(path)).toBe(path);
    expect(await readdir(path)).toEqual([]);
  });

  it.each([
    ["is a file", (file: string) => file],
    ["is below a file", (file: string) => join(file, "reports")],
  ])("refuses a path that %s, naming it", async (_case, pathOf) => {
    const file = join(folder, "taken");
    await writeText(file, "not a folder");
    const path = pathOf(file);
    const error = await prepareLocalFolder(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputFolderError);
    expect((error as Error).message).toBe(`cannot write the report to ${path}: a file is in the way where a folder should be`);
  });
});
