export { type CloudFrontLinks, cloudFrontLinkSigner, LINK_LIFETIME_DAYS } from "./link-signer.ts";
