import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import type { RunJob } from "@hems-reports/core/runs";
import { createS3Client } from "@hems-reports/core/s3";
import { logger } from "./logger.ts";
import { type Settings, settingsFromResource } from "./settings.ts";

/**
 * What every handler touches outside itself: the settings, the bucket, the worker, the clock.
 * The report's own parts (the Partner API, the secret) are in `report-deps.ts`, so the on-demand
 * function, which only starts runs and answers their status, never loads them.
 */
export interface BaseDeps {
  settings: Settings;
  s3: S3Client;
  /** Starts a run without waiting for it (an asynchronous invocation of the worker). */
  startWorker: (job: RunJob) => Promise<void>;
  logger: Logger;
  now: () => Date;
  newRunId: () => string;
}

export interface BaseDepsParts {
  settings: Settings;
  s3: S3Client;
  startWorker: BaseDeps["startWorker"];
  logger?: Logger;
  now?: () => Date;
  newRunId?: () => string;
}

export function buildBaseDeps(parts: BaseDepsParts): BaseDeps {
  return {
    settings: parts.settings,
    s3: parts.s3,
    startWorker: parts.startWorker,
    logger: parts.logger ?? logger,
    now: parts.now ?? (() => new Date()),
    newRunId: parts.newRunId ?? randomUUID,
  };
}

let production: BaseDeps | undefined;

/** Built once per container, on first use, so the clients are reused while warm. */
export function productionBaseDeps(): BaseDeps {
  if (production) return production;
  const settings = settingsFromResource();
  const lambda = new LambdaClient({});
  production = buildBaseDeps({
    settings,
    s3: createS3Client(),
    startWorker: async (job) => {
      if (!settings.workerFunctionName) throw new Error("this function is not linked to ReportWorker (see infra/report.ts)");
      await lambda.send(
        new InvokeCommand({ FunctionName: settings.workerFunctionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(job)) }),
      );
    },
  });
  return production;
}
