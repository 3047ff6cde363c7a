import type { z } from "zod";
import { openWorkLines, type WorkStore, WorkStoreError } from "../ports/index.ts";

/** A work object's JSON, checked against what this version writes; anything else is a damaged work store. */
export function parseStored<T>(schema: z.ZodType<T>, text: string, key: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WorkStoreError(`${key} is not JSON: the run's work objects were damaged`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new WorkStoreError(`${key} is not what this version writes: ${parsed.error.message}`, { cause: parsed.error });
  return parsed.data;
}

/**
 * The lines of a work object that `namedBy` names and counts: missing, or holding another number
 * of lines, it is a damaged work store, said once the lines run out.
 */
export async function* countedLines(store: WorkStore, key: string, expected: number, namedBy: string): AsyncGenerator<string> {
  const lines = await openWorkLines(store, key);
  if (!lines) throw new WorkStoreError(`${key} is missing: ${namedBy} names it`);
  let count = 0;
  for await (const line of lines) {
    count++;
    yield line;
  }
  if (count !== expected) throw new WorkStoreError(`${key} holds ${count} lines, ${namedBy} counts ${expected}`);
}
