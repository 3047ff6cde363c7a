/// <reference path="../.sst/platform/config.d.ts" />

/** Where operators put the wallbox config: changing wallboxes needs no deploy. */
export const CONFIG_KEY = "config/wallboxes.json";

/**
 * The reports bucket. SST blocks public access and denies non-TLS requests by default
 * (`enforceHttps`); S3 encrypts every new object (SSE-S3). Versioning keeps every earlier run of
 * a month retrievable, and the manifest names the exact versions it vouches for.
 */
export const bucket = new sst.aws.Bucket("Reports", {
  versioning: true,
  enforceHttps: true,
});

/**
 * What the functions may do in the bucket, and nothing more (linking the bucket itself would grant
 * s3:*): read the config object, write reports and run statuses under reports/, read statuses
 * back. ListBucket lets S3 answer "no such key" (404) for a missing config or run instead of 403.
 */
export const reportStore = new sst.Linkable("ReportStore", {
  properties: { name: bucket.name },
  include: [
    sst.aws.permission({ actions: ["s3:GetObject"], resources: [$interpolate`${bucket.arn}/${CONFIG_KEY}`] }),
    sst.aws.permission({ actions: ["s3:PutObject"], resources: [$interpolate`${bucket.arn}/reports/*`] }),
    sst.aws.permission({ actions: ["s3:GetObject"], resources: [$interpolate`${bucket.arn}/reports/*/runs/*`] }),
    sst.aws.permission({ actions: ["s3:ListBucket"], resources: [bucket.arn] }),
  ],
});
