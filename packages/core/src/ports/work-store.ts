export { WorkStoreError } from "../shared/errors/index.ts";

import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Producer } from "./report-store.ts";

/**
 * Where a sharded run keeps its plan and its shards' partial results between steps: objects
 * written once and never changed, read back as streams. The local folder and S3 implement it.
 */
export interface WorkStore {
  /**
   * Creates `key` with the bytes `produce` writes, visible whole or not at all. Answers false and
   * changes nothing when `key` already exists, so a step that runs twice writes its result once.
   */
  create(key: string, produce: Producer): Promise<boolean>;
  /** The bytes of `key`, or undefined when there is no such object. */
  open(key: string): Promise<Readable | undefined>;
  /** The keys that start with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /** Where `key` is kept, for a report store to copy it from: a file path, or an `s3://bucket/key` URL. */
  locate(key: string): string;
}

/** Whether `key` exists (a step's result or marker), without reading it. */
export async function hasWorkObject(store: WorkStore, key: string): Promise<boolean> {
  const stream = await store.open(key);
  stream?.destroy();
  return stream !== undefined;
}

/** An object's whole text (for small objects: plans, headers), or undefined when there is none. */
export async function readWorkText(store: WorkStore, key: string): Promise<string | undefined> {
  const stream = await store.open(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** An object's lines, one at a time (JSON Lines); undefined when there is no such object. */
export async function openWorkLines(store: WorkStore, key: string): Promise<AsyncGenerator<string> | undefined> {
  const stream = await store.open(key);
  return stream && linesOf(stream);
}

/** A stream's non-empty lines, one at a time; the stream is closed when the lines end or are abandoned. */
export async function* linesOf(stream: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) if (line !== "") yield line;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Runs `use` with a work store of its own, removed afterwards whatever happens (a temporary folder for a run in this process). */
export type WithWorkStore = <T>(use: (work: WorkStore) => Promise<T>) => Promise<T>;
