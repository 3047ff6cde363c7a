import { type S3Location, s3RunRecords } from "@hems-reports/core/adapters/aws/s3";
import type { RunRecords } from "@hems-reports/core/ports";
import type { BaseDeps } from "./deps.ts";

/** The reports bucket of this stage. */
export const location = (deps: BaseDeps): S3Location => ({ client: deps.s3, bucket: deps.settings.bucket });

/** The run records (config, statuses, manifests, the month's lease) of this stage, in its bucket. */
export const runRecords = (deps: BaseDeps): RunRecords => s3RunRecords(location(deps), deps.settings);

/**
 * The limits after which a run that still says "running" has died. A workflow stopped at its time
 * limit may have a step still running (up to 15 minutes, Lambda's limit), so the run's limit has
 * that margin and a minute more; queueing has a minute's margin.
 */
export function runTimeLimits(deps: BaseDeps) {
  return { maxRunMs: (deps.settings.maxRunMinutes + 16) * 60_000, maxQueueMs: (deps.settings.maxQueueMinutes + 1) * 60_000 };
}
