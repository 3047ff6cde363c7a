import type { Writable } from "node:stream";
import pMap from "p-map";
import type { WorkStore } from "./work-store.ts";

/** What was stored: enough for a manifest to vouch for it. */
export interface StoredFile {
  name: string;
  /** Where a reader finds it: a file path or an object URL. */
  location: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /** The object key, for stores that have keys (S3). */
  key?: string;
  /** The object version, when the store keeps versions. */
  versionId?: string;
}

/** Writes a file's bytes into `out`; the store ends `out` afterwards if the producer did not. */
export type Producer = (out: Writable) => Promise<void>;

/** A file whose bytes are complete but not yet visible under its name. */
export interface StagedFile {
  readonly name: string;
  /** Makes the file visible under its name, whole. */
  commit(): Promise<StoredFile>;
  /** Drops the staged bytes; the name keeps whatever it had. */
  discard(): Promise<void>;
}

/** A file written whole as a work object by another step (a CSV part of the session detail), with its measure. */
export interface WorkObject {
  store: WorkStore;
  key: string;
  bytes: number;
  sha256: string;
}

/** Where reports go. Files are produced in full before any becomes visible. */
export interface ReportStore {
  stage(name: string, contentType: string, produce: Producer): Promise<StagedFile>;
  /**
   * Stages a file that another step wrote whole as a work object, copying it (within the bucket,
   * on S3) rather than producing it again. A copy whose bytes differ from the object's measure is refused.
   */
  adopt(name: string, contentType: string, object: WorkObject): Promise<StagedFile>;
}

export type FileToWrite = { name: string; contentType: string } & ({ produce: Producer } | { object: WorkObject });

const COMMITS_AT_ONCE = 8;

/**
 * Produces every file first, then makes them visible (several at once): a failure while producing
 * any of them leaves every name as it was, so a workbook never sits beside a JSON of another run.
 * `signal` stops the write until every file is complete; from then on the files are made visible
 * whatever happens to it, because that is quick and leaves a whole report rather than none.
 */
export async function writeTogether(store: ReportStore, files: readonly FileToWrite[], signal?: AbortSignal): Promise<StoredFile[]> {
  const staged: StagedFile[] = [];
  try {
    for (const file of files) {
      signal?.throwIfAborted();
      staged.push(
        await ("produce" in file ? store.stage(file.name, file.contentType, file.produce) : store.adopt(file.name, file.contentType, file.object)),
      );
    }
    signal?.throwIfAborted();
  } catch (error) {
    await Promise.all(staged.map((file) => file.discard().catch(() => undefined)));
    throw error;
  }
  // Several at once: on S3 a commit is a copy inside the bucket, seconds for a 250 MB CSV part.
  // All settle before a failure is reported, so no copy is still under way when a retry begins.
  try {
    return await pMap(staged, (file) => file.commit(), { concurrency: COMMITS_AT_ONCE, stopOnError: false });
  } catch (error) {
    throw error instanceof AggregateError ? error.errors[0] : error;
  }
}

export async function writeFile(store: ReportStore, file: FileToWrite & { produce: Producer }): Promise<StoredFile> {
  const [stored] = await writeTogether(store, [file]);
  return stored!;
}
