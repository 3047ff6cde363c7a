/// <reference path="../.sst/platform/config.d.ts" />

/**
 * The Partner API credentials live in AWS Secrets Manager (`sst.Secret` is not Secrets Manager: it
 * is SST's own encrypted store, bundled at deploy). Either an existing secret is linked by ARN
 * (PODERO_SECRET_ARN at deploy time), or an empty one is created for the operator to fill with
 * `{"clientId": "…", "clientSecret": "…"}` or `{"token": "…"}` (see README, Deploy).
 */
const existingArn = process.env.PODERO_SECRET_ARN;

export const secretArn: $util.Input<string> =
  existingArn ??
  new aws.secretsmanager.Secret("PoderoApiCredentials", {
    description: `Podero Partner API credentials for hems-reports (${$app.stage}): {"clientId","clientSecret"} or {"token"}`,
  }).arn;

export const apiSecret = new sst.Linkable("PoderoApiSecret", {
  properties: { arn: secretArn },
  include: [sst.aws.permission({ actions: ["secretsmanager:GetSecretValue"], resources: [secretArn] })],
});
