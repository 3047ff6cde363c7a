import { OutputFolderError } from "../../../shared/errors/index.ts";

export { OutputFolderError } from "../../../shared/errors/index.ts";

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Producer, ReportStore, StagedFile, WorkObject } from "../../../ports/index.ts";
import { WorkStoreError } from "../../../ports/index.ts";
import { measuringStream, produceInto } from "../../../shared/streams/index.ts";

/**
 * Creates the folder if needed and proves that a file can be created and removed in it, so a
 * folder that cannot take the report stops the run before the first request rather than after the
 * last. Answers the folder's absolute path.
 */
export async function prepareLocalFolder(folder: string): Promise<string> {
  const root = resolve(folder);
  const probe = join(root, `.hems-reports-write-check.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    await mkdir(root, { recursive: true });
    await writeFile(probe, "", { flag: "wx" });
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" || code === "ENOTDIR"
        ? "a file is in the way where a folder should be"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? `it is not writable (${code})`
          : (code ?? (error as Error).message);
    throw new OutputFolderError(`cannot write the report to ${root}: ${why}`, { cause: error });
  }
  return root;
}

/**
 * Reports in a local folder. Each file is staged under a hidden temporary name and renamed into
 * place on commit, so a crash or error never leaves a half-written report behind.
 */
export function localFolderStore(folder: string): ReportStore {
  const root = resolve(folder);
  const stage = async (name: string, contentType: string, produce: Producer, expected?: WorkObject): Promise<StagedFile> => {
    await mkdir(root, { recursive: true });
    const target = join(root, name);
    const temporary = join(root, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
    const measure = measuringStream();
    try {
      await produceInto(measure, produce, pipeline(measure, createWriteStream(temporary, { flags: "wx" })));
      if (expected && measure.bytes() !== expected.bytes) {
        throw new WorkStoreError(`${expected.key} holds ${measure.bytes()} bytes, not the ${expected.bytes} its step wrote: it was damaged`);
      }
      if (expected && measure.sha256() !== expected.sha256) {
        throw new WorkStoreError(`${expected.key} is not the file its step wrote (its SHA-256 differs): it was damaged`);
      }
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const file = { name, location: target, contentType, bytes: measure.bytes(), sha256: measure.sha256() };
    return {
      name,
      async commit() {
        await rename(temporary, target);
        return file;
      },
      discard: () => rm(temporary, { force: true }),
    };
  };
  return {
    stage: (name, contentType, produce) => stage(name, contentType, produce),
    adopt: (name, contentType, object) =>
      stage(
        name,
        contentType,
        async (out) => {
          const source = await object.store.open(object.key);
          if (!source) throw new WorkStoreError(`${object.key} is missing: a finished step named it`);
          await pipeline(source, out);
        },
        object,
      ),
  };
}
