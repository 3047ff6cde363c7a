/// <reference path="../.sst/platform/config.d.ts" />

import { CONFIG_KEY, WORK_EXPIRY_DAYS } from "../packages/core/src/domain/run/bucket-access";
import { stageSetting } from "./stage";

/** Where operators put the wallbox config: changing wallboxes needs no deploy. */
export { CONFIG_KEY };

/**
 * The reports bucket. SST blocks public access and denies non-TLS requests by default
 * (`enforceHttps`); S3 encrypts every new object (SSE-S3). Each run's files are written once
 * under its own prefix; versioning keeps every earlier month's manifest retrievable.
 */
export const bucket = new sst.aws.Bucket("Reports", {
  versioning: true,
  enforceHttps: true,
  lifecycle: [{ id: "expire-work-objects", prefix: "work/", expiresIn: `${WORK_EXPIRY_DAYS} days` }],
  // With signed links (infra/delivery.ts), CloudFront may read the runs' report files, and nothing
  // else in the bucket. (The distribution is made after the bucket, so the condition names this
  // account's distributions rather than that one.)
  policy: stageSetting("HEMS_LINKS_PUBLIC_KEY_FILE")
    ? [
        {
          actions: ["s3:GetObject"],
          principals: [{ type: "service", identifiers: ["cloudfront.amazonaws.com"] }],
          // A run's files, under reports/{orgId}/{month}/runs/{runId}/; not the run statuses (reports/{orgId}/runs/).
          paths: ["reports/*/*/runs/*"],
          conditions: [
            { test: "StringEquals", variable: "AWS:SourceAccount", values: [aws.getCallerIdentityOutput().accountId] },
            {
              test: "ArnLike",
              variable: "AWS:SourceArn",
              values: [$interpolate`arn:aws:cloudfront::${aws.getCallerIdentityOutput().accountId}:distribution/*`],
            },
          ],
        },
      ]
    : undefined,
  transform: {
    // The bucket keeps versions, so an expiry or a delete only hides an object: the work objects'
    // rule also removes the hidden versions. Under reports/ nothing expires (earlier manifests stay
    // retrievable); only the parts of uploads that never completed (a step that died) go.
    lifecycle: (args) => {
      args.rules = $output(args.rules).apply((rules) => [
        ...(rules ?? []).map((rule) => ({
          ...rule,
          noncurrentVersionExpiration: { noncurrentDays: 1 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        })),
        {
          id: "abort-unfinished-report-uploads",
          status: "Enabled",
          filter: { prefix: "reports/" },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ]);
    },
  },
});

/**
 * The bucket's name for the functions (linking the bucket itself would grant s3:*). What each role
 * may do in it is in infra/permissions.ts.
 */
export const reportStore = new sst.Linkable("ReportStore", { properties: { name: bucket.name } });
