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

/** Where reports go. Each write is atomic: readers see the previous file or the whole new one. */
export interface ReportStore {
  write(name: string, contentType: string, produce: Producer): Promise<StoredFile>;
}
