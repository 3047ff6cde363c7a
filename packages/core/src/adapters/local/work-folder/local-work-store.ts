import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { createWriteStream } from "node:fs";
import { link, mkdir, mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { finished } from "node:stream/promises";
import type { WithWorkStore, WorkStore } from "../../../ports/index.ts";
import { produceInto } from "../../../shared/streams/index.ts";

/**
 * A work store in a local folder. An object is written under a temporary name and then linked to
 * its own, which fails if the name exists: creation is whole and happens once.
 */
export function localWorkStore(folder: string): WorkStore {
  const root = resolve(folder);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    if (!path.startsWith(root + sep)) throw new Error(`work object key "${key}" leaves the work folder`);
    return path;
  };
  return {
    locate: pathOf,
    async create(key, produce) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temporary = join(dirname(target), `.${randomBytes(6).toString("hex")}.partial`);
      const out = createWriteStream(temporary, { flags: "wx" });
      try {
        await produceInto(out, produce, finished(out));
        try {
          await link(temporary, target);
        } catch (error) {
          // Only the name being taken means "created already"; any other failure is one.
          if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
          throw error;
        }
        return true;
      } finally {
        await rm(temporary, { force: true });
      }
    },
    async *list(prefix) {
      let entries: Dirent[];
      try {
        entries = await readdir(root, { recursive: true, withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        // Objects only: not folders, and not the hidden temporary files of creations under way.
        if (!entry.isFile() || entry.name.startsWith(".")) continue;
        const key = relative(root, join(entry.parentPath, entry.name)).split(sep).join("/");
        if (key.startsWith(prefix)) yield key;
      }
    },
    async open(key) {
      try {
        // Opened first, so a missing object is an answer here rather than an error on the stream.
        const handle = await open(pathOf(key), "r");
        return handle.createReadStream();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}

/** Runs `use` with a work store in a new temporary folder, removed afterwards whatever happens. */
export const withWorkFolder: WithWorkStore = async (use) => {
  const folder = await mkdtemp(join(tmpdir(), "hems-reports-run-"));
  try {
    return await use(localWorkStore(folder));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
};
