/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: "hems-reports",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
      providers: { aws: { region: "eu-central-1" } },
    };
  },
  async run() {
    const storage = await import("./infra/storage");
    const secrets = await import("./infra/secrets");
    const report = await import("./infra/report");
    const alerts = await import("./infra/alerts");
    const delivery = await import("./infra/delivery");
    return {
      bucket: storage.bucket.name,
      configKey: storage.CONFIG_KEY,
      secretArn: secrets.secretArn,
      onDemandUrl: report.onDemand.url,
      workflow: report.workflow.arn,
      operatorAlerts: alerts.operatorAlertsTopic.arn,
      ...(delivery.reportLinks ? { linksKeySecret: delivery.reportLinks.privateKeySecretArn } : {}),
    };
  },
});
