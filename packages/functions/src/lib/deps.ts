import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { cached, parseApiSecret, type SecretReader, secretsManagerReader, secretTokenSource } from "@hems-reports/core/credentials";
import { CredentialsError, DEFAULT_RETRY_POLICY, type HttpDeps, type TokenSource, undiciSend } from "@hems-reports/core/partner-api";
import type { RunJob } from "@hems-reports/core/runs";
import { createS3Client } from "@hems-reports/core/storage";
import { logger } from "./logger.ts";
import { type Settings, settingsFromResource } from "./settings.ts";

/** Everything a handler touches outside itself. Production builds it from the linked resources; tests pass their own parts. */
export interface AppDeps {
  settings: Settings;
  s3: S3Client;
  http: HttpDeps;
  tokens: TokenSource;
  /** Starts a run without waiting for it (an asynchronous invocation of the worker). */
  startWorker: (job: RunJob) => Promise<void>;
  logger: Logger;
  now: () => Date;
  newRunId: () => string;
  concurrency: number;
}

/** A warm container reuses the secret this long; a 401 reads it again at once. */
export const SECRET_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_CONCURRENCY = 8;

export interface DepsParts {
  settings: Settings;
  s3: S3Client;
  readSecret: SecretReader;
  startWorker: AppDeps["startWorker"];
  logger?: Logger;
  http?: Partial<HttpDeps>;
  now?: () => Date;
  newRunId?: () => string;
  concurrency?: number;
}

export function buildDeps(parts: DepsParts): AppDeps {
  const http: HttpDeps = { send: undiciSend, policy: DEFAULT_RETRY_POLICY, random: Math.random, ...parts.http };
  const secretName = parts.settings.secretArn ?? "(not linked)";
  const secret = cached(async () => parseApiSecret(await parts.readSecret(), secretName), SECRET_MAX_AGE_MS);
  return {
    settings: parts.settings,
    s3: parts.s3,
    http,
    tokens: secretTokenSource(secret, parts.settings.tokenUrl, http),
    startWorker: parts.startWorker,
    logger: parts.logger ?? logger,
    now: parts.now ?? (() => new Date()),
    newRunId: parts.newRunId ?? randomUUID,
    concurrency: parts.concurrency ?? DEFAULT_CONCURRENCY,
  };
}

let production: AppDeps | undefined;

/** Built once per container, on first use, so clients, the secret and the API token are reused while warm. */
export function productionDeps(): AppDeps {
  if (production) return production;
  const settings = settingsFromResource();
  const lambda = new LambdaClient({});
  production = buildDeps({
    settings,
    s3: createS3Client(),
    readSecret: settings.secretArn
      ? secretsManagerReader(new SecretsManagerClient({}), settings.secretArn)
      : async () => {
          throw new CredentialsError("this function is not linked to PoderoApiSecret (see infra/report.ts)");
        },
    startWorker: async (job) => {
      if (!settings.workerFunctionName) throw new Error("this function is not linked to ReportWorker (see infra/report.ts)");
      await lambda.send(
        new InvokeCommand({ FunctionName: settings.workerFunctionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(job)) }),
      );
    },
  });
  return production;
}
