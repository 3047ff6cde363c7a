import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { measuringStream } from "./measure.ts";
import type { Producer, ReportStore, StoredFile } from "./port.ts";

/**
 * Reports in a local folder. Each file is written under a hidden temporary name and renamed into
 * place when complete, so a crash or error never leaves a half-written report behind.
 */
export function localFolderStore(folder: string): ReportStore {
  const root = resolve(folder);
  return {
    async write(name: string, contentType: string, produce: Producer): Promise<StoredFile> {
      await mkdir(root, { recursive: true });
      const target = join(root, name);
      const temporary = join(root, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
      const measure = measuringStream();
      const written = pipeline(measure, createWriteStream(temporary, { flags: "wx" }));
      try {
        await produce(measure);
        if (!measure.writableEnded) measure.end();
        await written;
        await rename(temporary, target);
      } catch (error) {
        measure.destroy();
        await written.catch(() => undefined);
        await rm(temporary, { force: true });
        throw error;
      }
      return { name, location: target, contentType, bytes: measure.bytes(), sha256: measure.sha256() };
    },
  };
}
