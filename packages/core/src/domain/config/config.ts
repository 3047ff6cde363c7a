import { ConfigError } from "../../shared/errors/index.ts";

export { ConfigError } from "../../shared/errors/index.ts";

import { z } from "zod";
import { formatIssues, strictObject } from "../../shared/validation/index.ts";

const uuid = z.guid({ error: "invalid uuid" });

/** The longest label or external id a config takes (and discovery passes on). */
export const MAX_IDENTIFIER_LENGTH = 200;
const identifier = z.string().trim().min(1).max(MAX_IDENTIFIER_LENGTH);

export const wallboxRefSchema = z.object({
  userId: uuid,
  wallboxId: uuid,
  label: identifier.optional(),
  /** The partner's own customer number for the wallbox's user (Podero's `external_user_id`), for finance to reconcile against. */
  externalUserId: identifier.optional(),
  /** The partner's own id for the wallbox (Podero's `external_device_id`). */
  externalDeviceId: identifier.optional(),
  manufacturer: identifier.optional(),
  model: identifier.optional(),
});

/** A wallbox as a config lists it: an unknown key (a typo of `label`) is an error, not a setting dropped. */
export const configWallboxSchema = strictObject(wallboxRefSchema.shape);

export const reportConfigSchema = strictObject({
  orgId: uuid,
  wallboxes: z.array(configWallboxSchema).min(1, { error: "list at least one wallbox" }),
}).superRefine((config, context) => {
  const firstIndex = new Map<string, number>();
  config.wallboxes.forEach((wallbox, index) => {
    const key = wallbox.wallboxId.toLowerCase();
    const earlier = firstIndex.get(key);
    if (earlier === undefined) firstIndex.set(key, index);
    else
      context.addIssue({
        code: "custom",
        path: ["wallboxes", index, "wallboxId"],
        message: `wallbox ${wallbox.wallboxId} is listed twice (also at wallboxes[${earlier}])`,
      });
  });
});

export type WallboxRef = z.infer<typeof wallboxRefSchema>;
export type ReportConfig = z.infer<typeof reportConfigSchema>;

/** Validates a parsed config; `source` names where it came from in the error (a path or an S3 key). */
export function parseReportConfig(value: unknown, source: string): ReportConfig {
  const result = reportConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(`invalid wallbox config ${source}: ${formatIssues(result.error)}`);
  return result.data;
}

/** Parses config file text (JSON) and validates it. */
export function parseReportConfigText(text: string, source: string): ReportConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`wallbox config ${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseReportConfig(value, source);
}
