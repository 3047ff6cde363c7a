/**
 * What the functions may do in the reports bucket. infra/storage.ts grants exactly this (and
 * nothing else), and a test checks every S3 call of full runs against it, so a new S3 call that
 * the deployed role would refuse fails here rather than in AWS. No imports: infra reads it too.
 */
export const CONFIG_KEY = "config/wallboxes.json";
/** The config as JSON Lines, for large orgs; used instead of CONFIG_KEY when it exists. */
export const CONFIG_LINES_KEY = "config/wallboxes.jsonl";

export const BUCKET_OBJECT_ACCESS = [
  // The wallbox config; run statuses (GET ?runId=…); the month's manifest (is there a complete
  // report?) and its latest full run (is one still running?).
  { action: "s3:GetObject", keys: [CONFIG_KEY, CONFIG_LINES_KEY, "reports/*/runs/*", "reports/*/manifest.json", "reports/*/active-run.json"] },
  // Report files stream to a staging key first and are copied to their name on commit (reading
  // the staged object), then the staged object goes. A failed upload aborts its parts.
  // A run's plan and its shards' partial results, written once and read by the later steps.
  { action: "s3:GetObject", keys: ["staging/*", "work/*"] },
  { action: "s3:DeleteObject", keys: ["staging/*"] },
  { action: "s3:AbortMultipartUpload", keys: ["staging/*", "work/*"] },
  // Reports, manifests and run statuses, the staged files, the work objects.
  { action: "s3:PutObject", keys: ["reports/*", "staging/*", "work/*"] },
] as const;

/** Staged files older than this are left over from a run that died; the bucket expires them. */
export const STAGING_EXPIRY_DAYS = 1;
/** A run's work objects are kept this long after it began, for looking into a run that went wrong. */
export const WORK_EXPIRY_DAYS = 7;

/** IAM resource matching: `*` stands for any characters, `/` included. */
function matches(pattern: string, key: string): boolean {
  const expression = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return expression.test(key);
}

export function allowsObjectAccess(action: string, key: string): boolean {
  return BUCKET_OBJECT_ACCESS.some((grant) => grant.action === action && grant.keys.some((pattern) => matches(pattern, key)));
}
