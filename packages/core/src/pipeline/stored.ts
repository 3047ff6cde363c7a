import type { z } from "zod";
import { WorkStoreError } from "../ports/index.ts";

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
