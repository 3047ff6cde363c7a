import type { Writable } from "node:stream";

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

/** Where reports go. Files are produced in full before any becomes visible. */
export interface ReportStore {
  stage(name: string, contentType: string, produce: Producer): Promise<StagedFile>;
}

export interface FileToWrite {
  name: string;
  contentType: string;
  produce: Producer;
}

/**
 * Produces every file first, then makes them visible one after another: a failure while producing
 * any of them leaves every name as it was, so a workbook never sits beside a JSON of another run.
 * `signal` stops the write until every file is complete; from then on the files are made visible
 * whatever happens to it, because that is quick and leaves a whole report rather than none.
 */
export async function writeTogether(store: ReportStore, files: readonly FileToWrite[], signal?: AbortSignal): Promise<StoredFile[]> {
  const staged: StagedFile[] = [];
  try {
    for (const file of files) {
      signal?.throwIfAborted();
      staged.push(await store.stage(file.name, file.contentType, file.produce));
    }
    signal?.throwIfAborted();
  } catch (error) {
    await Promise.all(staged.map((file) => file.discard().catch(() => undefined)));
    throw error;
  }
  const stored: StoredFile[] = [];
  for (const file of staged) stored.push(await file.commit());
  return stored;
}

export async function writeFile(store: ReportStore, file: FileToWrite): Promise<StoredFile> {
  const [stored] = await writeTogether(store, [file]);
  return stored!;
}
