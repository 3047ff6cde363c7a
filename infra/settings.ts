/// <reference path="../.sst/platform/config.d.ts" />

import { defaultTokenUrl, normalizeBaseUrl } from "../packages/core/src/adapters/partner-api/base-url";
import { MAX_EMAIL_RECIPIENTS, stageLimitProblems } from "../packages/core/src/domain/run/limits";
import { MAX_CSV_ROWS_PER_PART } from "../packages/core/src/formats/csv/detail-layout";
import { stageSetting } from "./stage";
import { CONFIG_KEY } from "./storage";

/**
 * Stage settings, from the environment of `sst deploy`: which Partner API and which org. They are
 * checked here so a deploy with a missing or malformed setting stops with a message, not a broken function.
 */
function setting(name: string, fallback?: string): string {
  const value = stageSetting(name) || fallback;
  if (!value) throw new Error(`Set ${name} for stage "${$app.stage}" (see docs/operations.md, Deploy).`);
  return value;
}

/** A deployed function sends credentials to these URLs: https, and no user name or password in them. */
function secureUrl(name: string, text: string): string {
  if (!URL.canParse(text)) throw new Error(`${name} must be a URL, not "${text}".`);
  const url = new URL(text);
  if (url.protocol !== "https:") throw new Error(`${name} must be an https URL, not "${text}": the functions send credentials to it.`);
  if (url.username || url.password) throw new Error(`${name} must not carry a user name or password: credentials go in the secret.`);
  return text;
}

/** The API's origin: the functions add `/api/partners/v2.0`, so a URL that already ends in it is trimmed. */
const apiUrl = normalizeBaseUrl(secureUrl("PODERO_API_URL", setting("PODERO_API_URL", "https://sandbox-app.podero.com")));
export const orgId = setting("PODERO_ORG_ID");
if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orgId)) {
  throw new Error(`PODERO_ORG_ID must be a uuid, not "${orgId}".`);
}

function wholeSetting(name: string, fallback: number, min: number, max: number): number {
  const text = stageSetting(name);
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${text}".`);
  return value;
}

/** How long a run's workflow may take at most; a run still "running" after it is reported failed. */
export const MAX_RUN_MINUTES = 6 * 60;
/** How long a started run may take to reach its plan step before it counts as never started. */
export const MAX_QUEUE_MINUTES = 5;
/** Runs on demand are refused (429) while this many of the workflow's executions are running: a burst of requests cannot fan out without bound. */
export const MAX_CONCURRENT_RUNS = wholeSetting("HEMS_MAX_CONCURRENT_RUNS", 3, 1, 100);

/** Wallboxes one shard reads at once. */
export const SHARD_CONCURRENCY = wholeSetting("HEMS_SHARD_CONCURRENCY", 8, 1, 64);
/** The Partner API budget and the shard size (see docs/operations.md, "Capacity"). */
export const SHARD_SIZE = wholeSetting("HEMS_SHARD_SIZE", 2_000, 1, 1_000_000);
/** The most sessions one CSV file of the session detail holds (Excel opens at most 1,048,576 rows). */
export const CSV_ROWS_PER_PART = wholeSetting("HEMS_CSV_ROWS_PER_PART", 1_000_000, 1, MAX_CSV_ROWS_PER_PART);
// Settings that a million-wallbox run could not fit in Lambda's 15 minutes or Step Functions' payloads stop the deploy here.
const limitProblems = stageLimitProblems({ shardSize: SHARD_SIZE, concurrency: SHARD_CONCURRENCY, csvRowsPerPart: CSV_ROWS_PER_PART });
if (limitProblems.length > 0) throw new Error(`Stage "${$app.stage}": ${limitProblems.join("; ")}.`);
/** The most requests in flight against the Partner API, over all shards of a run. */
export const API_MAX_REQUESTS_IN_FLIGHT = wholeSetting("PODERO_API_MAX_REQUESTS_IN_FLIGHT", 64, 1, 10_000);
if (API_MAX_REQUESTS_IN_FLIGHT < SHARD_CONCURRENCY) {
  throw new Error(
    `PODERO_API_MAX_REQUESTS_IN_FLIGHT (${API_MAX_REQUESTS_IN_FLIGHT}) must be at least HEMS_SHARD_CONCURRENCY (${SHARD_CONCURRENCY}).`,
  );
}
/** Shards read at once, so that shards × their concurrency never exceeds the API budget. */
export const MAX_CONCURRENT_SHARDS = Math.floor(API_MAX_REQUESTS_IN_FLIGHT / SHARD_CONCURRENCY);

/** Who receives the month's report (comma-separated); empty: no email is sent. */
export const FINANCE_RECIPIENTS = stageSetting("HEMS_FINANCE_RECIPIENTS") ?? "";
for (const address of FINANCE_RECIPIENTS.split(",")
  .map((text) => text.trim())
  .filter(Boolean)) {
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))
    throw new Error(`HEMS_FINANCE_RECIPIENTS lists "${address}", which is not an email address.`);
}
if (FINANCE_RECIPIENTS.split(",").filter((text) => text.trim()).length > MAX_EMAIL_RECIPIENTS) {
  throw new Error(
    `HEMS_FINANCE_RECIPIENTS lists more than ${MAX_EMAIL_RECIPIENTS} addresses, the most SES sends one message to: use a distribution list.`,
  );
}
/** The sender: an identity verified in SES (docs/operations.md, Deploy); required with recipients. */
export const EMAIL_FROM = stageSetting("HEMS_EMAIL_FROM") ?? "";
if (FINANCE_RECIPIENTS && !/@([^\s@<>]+)>?$/.test(EMAIL_FROM)) {
  throw new Error(
    'Set HEMS_EMAIL_FROM to a sender verified in SES, for example "HEMS reports <reports@example.com>", when HEMS_FINANCE_RECIPIENTS is set.',
  );
}
/**
 * Where the runs take their wallboxes from: "config" (the wallbox config in the bucket, default)
 * or "partner-api" (every wallbox of PODERO_ORG_ID's users: the plan reads the users list, the
 * Discover Map lists their wallboxes in batches of HEMS_SHARD_SIZE users).
 */
export const WALLBOXES_FROM = stageSetting("HEMS_WALLBOXES_FROM") || "config";
if (WALLBOXES_FROM !== "config" && WALLBOXES_FROM !== "partner-api") {
  throw new Error(`HEMS_WALLBOXES_FROM must be "config" or "partner-api", not "${WALLBOXES_FROM}".`);
}
/** How the email names the organisation. */
export const ORG_LABEL = stageSetting("HEMS_ORG_LABEL") ?? "";

/**
 * The timezone the org closes its months in: a session belongs to the month in which it started
 * there, and the schedules run on its clock. An IANA name, for example Europe/Vienna.
 */
export const TIME_ZONE = canonicalTimeZone(stageSetting("HEMS_TIMEZONE") ?? "UTC");

/** The name as IANA writes it (`europe/vienna` → `Europe/Vienna`), as the schedules and the reports name it. */
function canonicalTimeZone(name: string): string {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`HEMS_TIMEZONE "${name}" is not an IANA timezone (for example Europe/Vienna or UTC).`);
  }
}

export const reportSettings = new sst.Linkable("ReportSettings", {
  properties: {
    apiUrl,
    tokenUrl: secureUrl("PODERO_TOKEN_URL", setting("PODERO_TOKEN_URL", defaultTokenUrl(apiUrl))),
    orgId,
    configKey: CONFIG_KEY,
    wallboxesFrom: WALLBOXES_FROM,
    maxRunMinutes: MAX_RUN_MINUTES,
    maxQueueMinutes: MAX_QUEUE_MINUTES,
    maxConcurrentRuns: MAX_CONCURRENT_RUNS,
    shardSize: SHARD_SIZE,
    csvRowsPerPart: CSV_ROWS_PER_PART,
    financeRecipients: FINANCE_RECIPIENTS,
    emailFrom: EMAIL_FROM,
    orgLabel: ORG_LABEL,
    concurrency: SHARD_CONCURRENCY,
    timeZone: TIME_ZONE,
  },
});
