import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { RunStopError } from "../errors/index.ts";
import { measuringStream, produceInto } from "./measure.ts";
import type { Producer, ReportStore, StagedFile } from "./port.ts";

/** The output folder cannot take the report: the run stops before it reads anything. */
export class OutputFolderError extends RunStopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutputFolderError";
  }
}

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
  return {
    async stage(name: string, contentType: string, produce: Producer): Promise<StagedFile> {
      await mkdir(root, { recursive: true });
      const target = join(root, name);
      const temporary = join(root, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
      const measure = measuringStream();
      try {
        await produceInto(measure, produce, pipeline(measure, createWriteStream(temporary, { flags: "wx" })));
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
    },
  };
}
