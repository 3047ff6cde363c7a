/// <reference path="../.sst/platform/config.d.ts" />
import { readFileSync } from "node:fs";
import { senderIdentities } from "./permissions";
import { EMAIL_FROM, FINANCE_RECIPIENTS } from "./settings";
import { stageSetting } from "./stage";
import { bucket } from "./storage";

/**
 * How finance gets the files: signed CloudFront links, valid 8 days, to the report files in the
 * bucket (the runs' report files only; an S3 presigned URL made with a Lambda role's credentials ends with that role's session,
 * within hours; long-lived IAM user keys are what this avoids). The operator makes an RSA key pair
 * (docs/operations.md, Deploy): the public key's PEM file is a stage setting (HEMS_LINKS_PUBLIC_KEY_FILE) and
 * becomes the distribution's key group; the private key goes into the ReportLinksKey secret,
 * which only the merge function reads. Without the setting there is no distribution, and the
 * email says where the files are instead of linking them.
 */
const publicKeyFile = stageSetting("HEMS_LINKS_PUBLIC_KEY_FILE");
const publicKeyPem = publicKeyFile ? readFileSync(publicKeyFile, "utf8") : undefined;
if (publicKeyPem !== undefined && !publicKeyPem.includes("BEGIN PUBLIC KEY")) {
  throw new Error(`HEMS_LINKS_PUBLIC_KEY_FILE (${publicKeyFile}) is not a PEM public key: make one with openssl (docs/operations.md, Deploy).`);
}

function linksDistribution(pem: string) {
  const publicKey = new aws.cloudfront.PublicKey("ReportLinksPublicKey", { encodedKey: pem, comment: `hems-reports ${$app.stage} report links` });
  const keyGroup = new aws.cloudfront.KeyGroup("ReportLinksKeyGroup", { items: [publicKey.id] });
  const access = new aws.cloudfront.OriginAccessControl("ReportLinksAccess", {
    originAccessControlOriginType: "s3",
    signingBehavior: "always",
    signingProtocol: "sigv4",
  });
  const distribution = new aws.cloudfront.Distribution("ReportLinks", {
    enabled: true,
    comment: `hems-reports ${$app.stage}: signed links to report files`,
    origins: [{ originId: "reports", domainName: bucket.nodes.bucket.bucketRegionalDomainName, originAccessControlId: access.id }],
    // Only report files, only with a valid signature: every request must carry one (trusted key group).
    defaultCacheBehavior: {
      targetOriginId: "reports",
      viewerProtocolPolicy: "https-only",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      trustedKeyGroups: [keyGroup.id],
      // AWS's managed CachingDisabled policy: a file is fetched as stored, never from a stale cache.
      cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });
  const privateKeySecret = new aws.secretsmanager.Secret("ReportLinksPrivateKey", {
    description: `hems-reports ${$app.stage}: the PEM private key matching HEMS_LINKS_PUBLIC_KEY_FILE, for signing report links`,
  });
  return {
    privateKeySecretArn: privateKeySecret.arn,
    links: new sst.Linkable("ReportLinks", { properties: { domain: distribution.domainName, keyPairId: publicKey.id } }),
    linksKey: new sst.Linkable("ReportLinksKey", { properties: { arn: privateKeySecret.arn } }),
  };
}

export const reportLinks = publicKeyPem ? linksDistribution(publicKeyPem) : undefined;

/**
 * The SES identities the merge sends as: the verified identity of the sender's domain, or the
 * address itself. While the account is in SES's sandbox, SES also authorizes the sending against
 * each recipient's identity (each must be verified then): HEMS_SES_SANDBOX=true grants those too.
 */
const sender = EMAIL_FROM ? senderIdentities(EMAIL_FROM) : undefined;
const sandboxRecipients =
  stageSetting("HEMS_SES_SANDBOX") === "true"
    ? FINANCE_RECIPIENTS.split(",")
        .map((text) => text.trim())
        .filter(Boolean)
    : [];
export const sesIdentityArns = sender
  ? [sender.domain, sender.address, ...sandboxRecipients].map(
      (identity) => $interpolate`arn:aws:ses:${aws.getRegionOutput().name}:${aws.getCallerIdentityOutput().accountId}:identity/${identity}`,
    )
  : undefined;
