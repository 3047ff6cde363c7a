/// <reference path="../.sst/platform/config.d.ts" />
import { apiSecret } from "./secrets";
import { MAX_QUEUE_MINUTES, MAX_RUN_MINUTES, reportSettings } from "./settings";
import { reportStore } from "./storage";

/**
 * The report functions. A run reads every wallbox (a few requests each) and writes the workbook
 * with exceljs's streaming writer: 15 minutes is Lambda's ceiling, and 2048 MB holds the sessions
 * of a large org plus the workbook buffer (measured: 1M workbook rows need ~600 MB) and buys the
 * CPU share that 2 vCPUs' worth of JSON parsing and zipping wants.
 */
const reportFunction: Pick<sst.aws.FunctionArgs, "runtime" | "architecture" | "timeout" | "memory" | "link"> = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  timeout: `${MAX_RUN_MINUTES} minutes`,
  memory: "2048 MB",
  link: [reportStore, apiSecret, reportSettings],
};

/**
 * Runs on-demand reports; invoked asynchronously by OnDemandReport. No automatic retry (the caller
 * sees the failure in the run status), and a request that waits in Lambda's queue longer than
 * MAX_QUEUE_MINUTES is dropped, so the status can say so instead of "running" for hours.
 */
export const worker = new sst.aws.Function("ReportWorker", {
  ...reportFunction,
  handler: "packages/functions/src/worker.handler",
  retries: 0,
  transform: { eventInvokeConfig: { maximumEventAgeInSeconds: MAX_QUEUE_MINUTES * 60 } },
});

/**
 * 06:00 on the 1st of each month, Vienna time, for the month that just ended. The Scheduler
 * invokes asynchronously: its `retries` cover failures to deliver the event, and the function's
 * own `retries` re-run a run that failed as a whole (bad secret, config, S3), twice.
 */
export const monthly = new sst.aws.CronV2("MonthlyReport", {
  schedule: "cron(0 6 1 * ? *)",
  timezone: "Europe/Vienna",
  retries: 2,
  function: {
    ...reportFunction,
    handler: "packages/functions/src/scheduled.handler",
    retries: 2,
  },
});

/**
 * The authenticated HTTP trigger: a function URL with IAM auth, so every call is SigV4-signed by a
 * principal allowed lambda:InvokeFunctionUrl. It only validates, records and starts a run.
 */
export const onDemand = new sst.aws.Function("OnDemandReport", {
  handler: "packages/functions/src/on-demand.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  timeout: "30 seconds",
  memory: "512 MB",
  url: { authorization: "iam" },
  link: [reportStore, reportSettings, worker],
});
