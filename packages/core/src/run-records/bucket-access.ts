/**
 * What the functions may do in the reports bucket. infra/storage.ts grants exactly this (and
 * nothing else), and a test checks every S3 call of full runs against it, so a new S3 call that
 * the deployed role would refuse fails here rather than in AWS. No imports: infra reads it too.
 */
export const CONFIG_KEY = "config/wallboxes.json";
/** The config as JSON Lines, for large orgs; used instead of CONFIG_KEY when it exists. */
export const CONFIG_LINES_KEY = "config/wallboxes.jsonl";

export const BUCKET_OBJECT_ACCESS = [
  // The wallbox config; run statuses (GET ?runId=…); the month's manifest (which run is the
  // month's?) and its latest full run (is one still running?); a run's own files, read back when
  // a retried step finds them written already.
  { action: "s3:GetObject", keys: [CONFIG_KEY, CONFIG_LINES_KEY, "reports/*/runs/*", "reports/*/manifest.json", "reports/*/active-run.json"] },
  // A run's plan and its shards' partial results, written once and read by the later steps.
  { action: "s3:GetObject", keys: ["work/*"] },
  // A failed upload aborts its parts.
  { action: "s3:AbortMultipartUpload", keys: ["reports/*", "work/*"] },
  // Reports (each run's files once, the month's manifest), run statuses, the work objects.
  { action: "s3:PutObject", keys: ["reports/*", "work/*"] },
] as const;

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
