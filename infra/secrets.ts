/// <reference path="../.sst/platform/config.d.ts" />
import { stageSetting } from "./stage";

/**
 * The Partner API credentials live in AWS Secrets Manager (`sst.Secret` is not Secrets Manager: it
 * is SST's own encrypted store, bundled at deploy). Either an existing secret is linked by ARN
 * (PODERO_SECRET_ARN at deploy time), or an empty one is created for the operator to fill with
 * `{"clientId": "…", "clientSecret": "…"}` or `{"token": "…"}` (see docs/operations.md, Deploy).
 */
const existingArn = stageSetting("PODERO_SECRET_ARN");
// Production links its real secret: an empty one made because a setting was missing would fail every run.
if ($app.stage === "production" && !existingArn) {
  throw new Error("Set PODERO_SECRET_ARN in stages/production.json: production links the existing credentials secret (docs/operations.md, Deploy).");
}

export const secretArn: $util.Input<string> =
  existingArn ??
  new aws.secretsmanager.Secret("PoderoApiCredentials", {
    description: `Podero Partner API credentials for hems-reports (${$app.stage}): {"clientId","clientSecret"} or {"token"}`,
  }).arn;

/** The secret's ARN for the functions; what each may do with it is in infra/permissions.ts. */
export const apiSecret = new sst.Linkable("PoderoApiSecret", { properties: { arn: secretArn } });
