// The resources infra/report.ts links to the functions. `sst dev`/`sst deploy` would generate this
// file; `sst install` (all CI can run) does not, so it is kept by hand: change both together.
import "sst";

declare module "sst" {
  export interface Resource {
    ReportStore: { name: string };
    PoderoApiSecret: { arn: string };
    ReportSettings: {
      apiUrl: string;
      tokenUrl: string;
      orgId: string;
      configKey: string;
      maxRunMinutes: number;
      maxQueueMinutes: number;
      maxConcurrentRuns: number;
      shardSize: number;
      wallboxesFrom: string;
      csvRowsPerPart: number;
      financeRecipients: string;
      emailFrom: string;
      orgLabel: string;
      concurrency: number;
      timeZone: string;
    };
    ReportWorkflow: { arn: string };
    ReportLinks: { domain: string; keyPairId: string };
    ReportLinksKey: { arn: string };
    OperatorAlerts: { arn: string };
  }
}

// biome-ignore lint/complexity/noUselessEmptyExport: makes this file a module, so `declare module "sst"` augments sst's types instead of replacing them
export {};
