/// <reference path="../.sst/platform/config.d.ts" />
import { normalizeBaseUrl } from "../packages/core/src/partner-api/base-url";
import { CONFIG_KEY } from "./storage";

/**
 * Stage settings, from the environment of `sst deploy`: which Partner API and which org. They are
 * checked here so a deploy with a missing or malformed setting stops with a message, not a broken function.
 */
function setting(name: string, fallback?: string): string {
  const value = process.env[name]?.trim() || fallback;
  if (!value) throw new Error(`Set ${name} for stage "${$app.stage}" (see README, Deploy).`);
  return value;
}

/** The API's origin: the functions add `/api/partners/v2.0`, so a URL that already ends in it is trimmed. */
function apiOrigin(text: string): string {
  if (!URL.canParse(text)) throw new Error(`PODERO_API_URL must be a URL, not "${text}".`);
  const url = new URL(text);
  if (url.username || url.password) throw new Error("PODERO_API_URL must not carry a user name or password: credentials go in the secret.");
  return normalizeBaseUrl(text);
}

const apiUrl = apiOrigin(setting("PODERO_API_URL", "https://sandbox-app.podero.com"));
const orgId = setting("PODERO_ORG_ID");
if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orgId)) {
  throw new Error(`PODERO_ORG_ID must be a uuid, not "${orgId}".`);
}

/** The report worker's Lambda timeout: a run may take at most this long. */
export const MAX_RUN_MINUTES = 15;
/** How long a run request may wait in Lambda's asynchronous queue before it is dropped. */
export const MAX_QUEUE_MINUTES = 5;

export const reportSettings = new sst.Linkable("ReportSettings", {
  properties: {
    apiUrl,
    tokenUrl: setting("PODERO_TOKEN_URL", `${apiUrl}/oauth2/token/`),
    orgId,
    configKey: CONFIG_KEY,
    maxRunMinutes: MAX_RUN_MINUTES,
    maxQueueMinutes: MAX_QUEUE_MINUTES,
  },
});
