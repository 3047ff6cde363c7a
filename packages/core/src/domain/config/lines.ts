import { z } from "zod";
import { formatIssues, strictObject } from "../../shared/validation/index.ts";
import { ConfigError, configWallboxSchema, type ReportConfig, type WallboxRef } from "./config.ts";

/**
 * The wallbox config as JSON Lines, for orgs too large for one JSON document (a million
 * wallboxes is about 120 MiB of JSON, and over 500 MiB to parse whole): the first line is
 * `{"orgId": "…"}`, every further line one wallbox `{"userId", "wallboxId", "label"?}`. Blank
 * lines are ignored. It is read a line at a time; errors name the line.
 */
const headerSchema = strictObject({ orgId: z.guid({ error: "invalid uuid" }) });

export type ConfigLine = { kind: "org"; orgId: string } | { kind: "wallbox"; wallbox: WallboxRef; line: number };

/** The config's lines, checked one by one: first the org, then each wallbox. */
export async function* configLines(lines: AsyncIterable<string>, source: string): AsyncGenerator<ConfigLine> {
  let number = 0;
  let seenHeader = false;
  for await (const text of lines) {
    number++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`wallbox config ${source}: line ${number} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = seenHeader ? configWallboxSchema.safeParse(value) : headerSchema.safeParse(value);
    if (!parsed.success) {
      const expected = seenHeader ? "a wallbox" : 'the org, {"orgId": "…"}';
      throw new ConfigError(`invalid wallbox config ${source}: line ${number} (${expected}): ${formatIssues(parsed.error)}`);
    }
    if (!seenHeader) {
      seenHeader = true;
      yield { kind: "org", orgId: (parsed.data as { orgId: string }).orgId };
    } else yield { kind: "wallbox", wallbox: parsed.data as WallboxRef, line: number };
  }
  if (!seenHeader) throw new ConfigError(`invalid wallbox config ${source}: it is empty; its first line names the org, {"orgId": "…"}`);
}

/** The whole config from its lines, every wallbox listed once. */
export async function parseConfigLines(lines: AsyncIterable<string>, source: string): Promise<ReportConfig> {
  let orgId = "";
  const wallboxes: WallboxRef[] = [];
  const firstLine = new Map<string, number>();
  for await (const item of configLines(lines, source)) {
    if (item.kind === "org") {
      orgId = item.orgId;
      continue;
    }
    const key = item.wallbox.wallboxId.toLowerCase();
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(
        `invalid wallbox config ${source}: line ${item.line}: wallbox ${item.wallbox.wallboxId} is listed twice (also on line ${earlier})`,
      );
    }
    firstLine.set(key, item.line);
    wallboxes.push(item.wallbox);
  }
  if (wallboxes.length === 0) throw new ConfigError(`invalid wallbox config ${source}: list at least one wallbox, one a line after the org`);
  return { orgId, wallboxes };
}

/** Which of `wallboxIds` the config does not list, reading it a line at a time and keeping nothing else. */
export async function unknownWallboxIds(lines: AsyncIterable<string>, source: string, wallboxIds: readonly string[]): Promise<string[]> {
  const missing = new Map(wallboxIds.map((id) => [id.toLowerCase(), id]));
  for await (const item of configLines(lines, source)) {
    if (item.kind === "wallbox") missing.delete(item.wallbox.wallboxId.toLowerCase());
  }
  return [...missing.values()];
}
