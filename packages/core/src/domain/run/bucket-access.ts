/**
 * What the functions may do in the reports bucket, by role and org. infra/permissions.ts grants
 * exactly this (and nothing else), and the tests evaluate every S3 call of their runs against
 * those policies with an IAM policy evaluator, so a new S3 call that the deployed role would
 * refuse fails here rather than in AWS. No imports: infra reads it too.
 */
export const CONFIG_KEY = "config/wallboxes.json";
/** The config as JSON Lines, for large orgs; used instead of CONFIG_KEY when it exists. */
export const CONFIG_LINES_KEY = "config/wallboxes.jsonl";

/** Who touches the bucket: the triggers (start runs, answer their status) or the workflow's steps. */
export type BucketRole = "trigger" | "step";

/** The object grants of a role, for one org's keys (`*` matches any characters, `/` included). */
export function bucketAccess(role: BucketRole, orgId: string): { action: string; keys: string[] }[] {
  const reports = `reports/${orgId}/`;
  if (role === "trigger") {
    return [
      // The config (requested wallbox ids are checked against it), run statuses, the month's
      // manifest (is the month complete?) and lease, and a running run's work objects (its progress).
      {
        action: "s3:GetObject",
        keys: [CONFIG_KEY, CONFIG_LINES_KEY, `${reports}runs/*`, `${reports}*/manifest.json`, `${reports}*/active-run.json`, `work/${orgId}/*`],
      },
      // A run's status, and the month's lease: never a report file.
      { action: "s3:PutObject", keys: [`${reports}runs/*`, `${reports}*/active-run.json`] },
    ];
  }
  return [
    // The config; run records, manifests and a run's own files (read back by a retried step); the work objects.
    { action: "s3:GetObject", keys: [CONFIG_KEY, CONFIG_LINES_KEY, `${reports}*`, `work/${orgId}/*`] },
    // Each run's files and manifest once, the month's manifest, run statuses; the work objects, once each.
    { action: "s3:PutObject", keys: [`${reports}*`, `work/${orgId}/*`] },
    // A failed upload aborts its parts.
    { action: "s3:AbortMultipartUpload", keys: [`${reports}*`, `work/${orgId}/*`] },
  ];
}

/** A run's work objects are kept this long after it began, for looking into a run that went wrong. */
export const WORK_EXPIRY_DAYS = 7;
