import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { AWS_CLIENT_TIMEOUTS } from "@hems-reports/core/adapters/aws/clients";
import { createS3Client } from "@hems-reports/core/adapters/aws/s3";
import { snsOperatorAlerts } from "@hems-reports/core/adapters/aws/sns";
import type { OperatorAlerts } from "@hems-reports/core/domain/alerts";
import type { RunJob } from "@hems-reports/core/domain/run";
import { logger } from "./logger.ts";
import { type Settings, settingsFromResource } from "./settings.ts";
import { stepFunctionsRuns } from "./step-functions.ts";

/**
 * What every handler touches outside itself: the settings, the bucket, the workflow, the clock.
 * The report's own parts (the Partner API, the secret) are in `step-deps.ts`, so the on-demand
 * function, which only starts runs and answers their status, never loads them.
 */
export interface TriggerDeps {
  settings: Settings;
  s3: S3Client;
  /** Starts a run without waiting for it: an execution of the report workflow, named by the run id. */
  startRun: (job: RunJob) => Promise<void>;
  /** The state of a run's workflow execution; undefined when there is none (yet). */
  describeRun: (runId: string) => Promise<RunExecution | undefined>;
  /** How many of the workflow's executions are running, counted up to `atMost`. */
  runningRuns: (atMost: number) => Promise<number>;
  logger: Logger;
  now: () => Date;
  newRunId: () => string;
  /** The operators' topic, where it is linked. */
  alerts?: OperatorAlerts;
}

/** A run's workflow execution as Step Functions reports it. */
export interface RunExecution {
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  status: string;
  /** Why it ended, when it failed (the error's name only: causes can be long). */
  error?: string;
}

export interface TriggerDepsParts {
  settings: Settings;
  s3: S3Client;
  startRun: TriggerDeps["startRun"];
  describeRun?: TriggerDeps["describeRun"];
  runningRuns?: TriggerDeps["runningRuns"];
  logger?: Logger;
  now?: () => Date;
  newRunId?: () => string;
  alerts?: OperatorAlerts;
}

export function buildTriggerDeps(parts: TriggerDepsParts): TriggerDeps {
  return {
    settings: parts.settings,
    s3: parts.s3,
    startRun: parts.startRun,
    describeRun: parts.describeRun ?? (async () => undefined),
    runningRuns: parts.runningRuns ?? (async () => 0),
    logger: parts.logger ?? logger,
    now: parts.now ?? (() => new Date()),
    newRunId: parts.newRunId ?? randomUUID,
    ...(parts.alerts ? { alerts: parts.alerts } : {}),
  };
}

let production: TriggerDeps | undefined;

/** Built once per container, on first use, so the clients are reused while warm. */
export function productionTriggerDeps(): TriggerDeps {
  if (production) return production;
  const settings = settingsFromResource();
  production = buildTriggerDeps({
    settings,
    s3: createS3Client(),
    ...(settings.alertsTopicArn
      ? { alerts: snsOperatorAlerts(settings.alertsTopicArn, { logGroup: process.env.AWS_LAMBDA_LOG_GROUP_NAME, stage: process.env.SST_STAGE }) }
      : {}),
    ...stepFunctionsRuns(new SFNClient(AWS_CLIENT_TIMEOUTS), settings.workflowArn),
  });
  return production;
}
