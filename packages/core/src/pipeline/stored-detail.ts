import { z } from "zod";
import type { QualityIssue, QualityIssueSource } from "../domain/report/index.ts";
import { type CollectedRun, type DetailPartResult, detailPartResultSchema, WorkStoreError, workKeys } from "../domain/shards/index.ts";
import { readWorkText, type WorkObject, type WorkStore } from "../ports/index.ts";
import { collectedHeaders } from "./collect.ts";
import { countedLines, parseStored } from "./stored.ts";

/** The session detail as the merge takes it: the CSV parts, written already, and the Data quality lines. */
export interface SessionDetail {
  parts: readonly { name: string; object: WorkObject }[];
  /** The Data quality lines about sessions, in report order; then those of sessions from a neighbouring month, in report order. */
  qualityIssues: QualityIssueSource;
}

const qualityIssueFields = [z.string(), z.string().nullable(), z.string(), z.number(), z.string(), z.string()] as const;
/** A stored line; one of six fields (written before the EUR at stake was) has none. */
const qualityIssueSchema = z
  .union([z.tuple([...qualityIssueFields, z.string().nullable()]), z.tuple(qualityIssueFields)])
  .transform((line): QualityIssue => (line.length === 7 ? line : [...line, null]));

/** The Data quality lines of one work object, which must hold as many as `namedBy` counts. */
async function* storedLines(store: WorkStore, key: string, expected: number, namedBy: string): AsyncGenerator<QualityIssue> {
  for await (const line of countedLines(store, key, expected, namedBy)) yield parseStored(qualityIssueSchema, line, key);
}

/** The parts the detail's steps stored; every part of the run must have one. */
export async function storedDetail(store: WorkStore, collected: CollectedRun): Promise<SessionDetail> {
  const results: DetailPartResult[] = [];
  for (const part of collected.parts) {
    const key = workKeys.detailPart(part.index);
    const text = await readWorkText(store, key);
    if (text === undefined)
      throw new WorkStoreError(`part ${part.index + 1} of the session detail (${part.name}) was not written: ${key} is missing`);
    const result = parseStored(detailPartResultSchema, text, key);
    if (result.part !== part.index || result.rows !== part.rows) {
      throw new WorkStoreError(`${key} is the result of another part (${result.part + 1}, ${result.rows} sessions)`);
    }
    results.push(result);
  }
  return {
    parts: collected.parts.map((part, index) => {
      const { csvKey, bytes, sha256 } = results[index]!;
      return { name: part.name, object: { store, key: csvKey, bytes, sha256 } };
    }),
    async *qualityIssues(): AsyncGenerator<QualityIssue> {
      for (const result of results) {
        yield* storedLines(store, result.qualityKey, result.qualityLines, `part ${result.part + 1}'s result`);
      }
      for (const header of collectedHeaders(collected)) {
        if (header) yield* storedLines(store, header.outsideKey, header.totals.sessionsOutsideMonth, `shard ${header.shard + 1}'s result`);
      }
    },
  };
}
