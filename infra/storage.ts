/// <reference path="../.sst/platform/config.d.ts" />
import { BUCKET_OBJECT_ACCESS, CONFIG_KEY, STAGING_EXPIRY_DAYS, WORK_EXPIRY_DAYS } from "../packages/core/src/run-records/bucket-access";

/** Where operators put the wallbox config: changing wallboxes needs no deploy. */
export { CONFIG_KEY };

/**
 * The reports bucket. SST blocks public access and denies non-TLS requests by default
 * (`enforceHttps`); S3 encrypts every new object (SSE-S3). Versioning keeps every earlier run of
 * a month retrievable, and the manifest names the exact versions it vouches for.
 */
export const bucket = new sst.aws.Bucket("Reports", {
  versioning: true,
  enforceHttps: true,
  // A run that dies between staging a file and committing it leaves the staged copy behind.
  lifecycle: [
    { id: "expire-staged-files", prefix: "staging/", expiresIn: `${STAGING_EXPIRY_DAYS} day` },
    { id: "expire-work-objects", prefix: "work/", expiresIn: `${WORK_EXPIRY_DAYS} days` },
  ],
  transform: {
    // The bucket keeps versions, so an expiry or a delete only hides an object: these rules also
    // remove the hidden versions, and the parts of multipart uploads that never completed.
    lifecycle: (args) => {
      args.rules = $output(args.rules).apply((rules) =>
        (rules ?? []).map((rule) => ({
          ...rule,
          noncurrentVersionExpiration: { noncurrentDays: 1 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        })),
      );
    },
  },
});

/**
 * What the functions may do in the bucket, and nothing more (linking the bucket itself would grant
 * s3:*): exactly BUCKET_OBJECT_ACCESS (read the config object, run statuses and manifests; write
 * under reports/, stage files under staging/). ListBucket lets S3 answer "no such key" (404) for a missing config or run
 * instead of 403; it reveals key names in this bucket only.
 */
export const reportStore = new sst.Linkable("ReportStore", {
  properties: { name: bucket.name },
  include: [
    ...BUCKET_OBJECT_ACCESS.map((grant) =>
      sst.aws.permission({ actions: [grant.action], resources: grant.keys.map((key) => $interpolate`${bucket.arn}/${key}`) }),
    ),
    sst.aws.permission({ actions: ["s3:ListBucket"], resources: [bucket.arn] }),
  ],
});
