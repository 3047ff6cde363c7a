import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { measuringStream, produceInto } from "./measure.ts";
import type { Producer, ReportStore, StagedFile } from "./port.ts";

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
