import { getSignedUrl } from "@aws-sdk/cloudfront-signer";
import type { LinkSigner } from "../../../ports/index.ts";

/** Links work this long: a week for finance to download, and a day's margin. */
export const LINK_LIFETIME_DAYS = 8;

export interface CloudFrontLinks {
  /** The distribution in front of the reports bucket, for example `d111111abcdef8.cloudfront.net`. */
  domain: string;
  /** The id of the public key in the distribution's key group. */
  keyPairId: string;
  /** Reads the matching private key (PEM), kept in Secrets Manager, never in settings or logs. */
  privateKey: () => Promise<string>;
  now: () => Date;
}

/**
 * Signed CloudFront URLs to report files: valid for `LINK_LIFETIME_DAYS` whoever opens them,
 * with no AWS credentials and no long-lived IAM user keys (an S3 presigned URL made with a
 * Lambda role's credentials would expire with the role's session, within hours).
 */
export function cloudFrontLinkSigner(options: CloudFrontLinks): LinkSigner {
  const expires = () => new Date(options.now().getTime() + LINK_LIFETIME_DAYS * 86_400_000);
  return {
    async link(key) {
      const url = `https://${options.domain}/${key.split("/").map(encodeURIComponent).join("/")}`;
      return getSignedUrl({ url, keyPairId: options.keyPairId, privateKey: await options.privateKey(), dateLessThan: expires() });
    },
    expiresAt: () => expires().toISOString(),
  };
}
