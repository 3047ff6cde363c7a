import { SettingsError } from "@hems-reports/core/shared/errors";

export { SettingsError } from "@hems-reports/core/shared/errors";

import { canonicalTimeZone, isTimeZone } from "@hems-reports/core/domain/month";
import { MAX_EMAIL_RECIPIENTS, stageLimitProblems } from "@hems-reports/core/domain/run";
import { formatIssues, secureUrl } from "@hems-reports/core/shared/validation";
import { Resource } from "sst";
import { z } from "zod";

/** What a deployed function needs to know, from the resources linked to it (see infra/report.ts). */
export const settingsSchema = z
  .object({
    bucket: z.string().min(1),
    /** Only the report functions are linked to the secret; the on-demand function never reads it. */
    secretArn: z.string().min(1).optional(),
    apiUrl: secureUrl("apiUrl"),
    tokenUrl: secureUrl("tokenUrl"),
    orgId: z.guid({ error: "invalid uuid" }),
    configKey: z.string().min(1),
    /** Where runs take their wallboxes from: the config in the bucket, or every wallbox of the org's users (the Partner API). */
    wallboxesFrom: z.enum(["config", "partner-api"]).default("config"),
    /** The report workflow (a Step Functions state machine); only the triggers are linked to it. */
    workflowArn: z.string().min(1).optional(),
    /** How long a run's workflow may take: a run still "running" after this has died. */
    maxRunMinutes: z.number().int().positive(),
    /** How long a started run may take to reach its plan step: one still queued after this never started. */
    maxQueueMinutes: z.number().int().positive(),
    /** The most runs on demand may start while this many are running. */
    maxConcurrentRuns: z.number().int().positive().default(3),
    /** The timezone months are taken in (IANA). */
    timeZone: z
      .string()
      .refine(isTimeZone, { error: (issue) => `timeZone "${issue.input}" is not an IANA timezone` })
      .transform(canonicalTimeZone),
    /** The most wallboxes one shard reads. */
    shardSize: z.number().int().positive(),
    /** The most sessions one CSV part of the session detail holds. */
    csvRowsPerPart: z.number().int().positive(),
    /** Wallboxes each shard reads at once (its requests in flight). */
    concurrency: z.number().int().positive(),
    /** Who receives the month's report (comma-separated in the stage setting); none: no email. */
    financeRecipients: z
      .array(z.email())
      .max(MAX_EMAIL_RECIPIENTS, { error: `at most ${MAX_EMAIL_RECIPIENTS} finance recipients (SES's limit a message)` })
      .default([]),
    /** The SES identity the email comes from. */
    emailFrom: z.string().min(3).optional(),
    /** How the email names the organisation. */
    orgLabel: z.string().min(1).optional(),
    /** The CloudFront distribution that serves signed links to report files, and its public key's id. */
    linksDomain: z.string().min(1).optional(),
    linksKeyPairId: z.string().min(1).optional(),
    /** The Secrets Manager secret with the links' private key (PEM); only the merge function is linked to it. */
    linksKeySecretArn: z.string().min(1).optional(),
    /** The operators' SNS topic: every function that can see a run fail is linked to it. */
    alertsTopicArn: z.string().min(1).optional(),
  })
  // The same limits infra/settings.ts refuses at deploy: a function never runs with settings that do not fit them.
  .superRefine((settings, context) => {
    for (const message of stageLimitProblems(settings)) context.addIssue({ code: "custom", message });
  });
export type Settings = z.infer<typeof settingsSchema>;

function linkedOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Reads the linked resources (`Resource` from sst reads the SST_RESOURCE_* variables once). */
export function settingsFromResource(): Settings {
  let raw: unknown;
  try {
    raw = {
      bucket: Resource.ReportStore.name,
      secretArn: linkedOrUndefined(() => Resource.PoderoApiSecret.arn),
      apiUrl: Resource.ReportSettings.apiUrl,
      tokenUrl: Resource.ReportSettings.tokenUrl,
      orgId: Resource.ReportSettings.orgId,
      configKey: Resource.ReportSettings.configKey,
      wallboxesFrom: Resource.ReportSettings.wallboxesFrom,
      maxRunMinutes: Resource.ReportSettings.maxRunMinutes,
      maxQueueMinutes: Resource.ReportSettings.maxQueueMinutes,
      maxConcurrentRuns: Resource.ReportSettings.maxConcurrentRuns,
      timeZone: Resource.ReportSettings.timeZone,
      shardSize: Resource.ReportSettings.shardSize,
      csvRowsPerPart: Resource.ReportSettings.csvRowsPerPart,
      concurrency: Resource.ReportSettings.concurrency,
      financeRecipients: Resource.ReportSettings.financeRecipients
        .split(",")
        .map((address) => address.trim())
        .filter(Boolean),
      emailFrom: Resource.ReportSettings.emailFrom || undefined,
      orgLabel: Resource.ReportSettings.orgLabel || undefined,
      linksDomain: linkedOrUndefined(() => Resource.ReportLinks.domain),
      linksKeyPairId: linkedOrUndefined(() => Resource.ReportLinks.keyPairId),
      linksKeySecretArn: linkedOrUndefined(() => Resource.ReportLinksKey.arn),
      alertsTopicArn: linkedOrUndefined(() => Resource.OperatorAlerts.arn),
      workflowArn: linkedOrUndefined(() => Resource.ReportWorkflow.arn),
    };
  } catch (error) {
    throw new SettingsError(`a linked resource is missing: ${(error as Error).message}`, { cause: error });
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new SettingsError(`the stage settings are invalid: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
