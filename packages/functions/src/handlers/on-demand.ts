import { RunNotStartedError, runProgress, type StartOutcome, settledStatus, startRun as startRunOnce } from "@hems-reports/core/cloud";
import { ConfigError } from "@hems-reports/core/domain/config";
import { MonthError, parseMonth, previousFullMonth } from "@hems-reports/core/domain/month";
import { type RunJob, runRequestSchema, UnknownWallboxError } from "@hems-reports/core/domain/run";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { z } from "zod";
import { runRecords, startDeps, workflowDeps } from "../wiring/core-ports.ts";
import { HttpError, httpHandler, invalidInput, json } from "../wiring/http.ts";
import { productionTriggerDeps, type TriggerDeps } from "../wiring/trigger-deps.ts";

function parseBody(event: LambdaFunctionURLEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON: send {"month"?: "YYYY-MM", "wallboxIds"?: [uuid, …]}');
  }
}

/** The signed caller's IAM ARN, as a function URL with IAM auth states it in the request context. */
const iamCallerSchema = z.object({ authorizer: z.object({ iam: z.object({ userArn: z.string().min(1) }) }) });
const callerArn = (event: LambdaFunctionURLEvent) => iamCallerSchema.safeParse(event.requestContext).data?.authorizer.iam.userArn;

/** POST: validate, take the month's lease (a full run), record the run as queued, start its workflow, answer 202 at once. */
async function startRun(deps: TriggerDeps, event: LambdaFunctionURLEvent) {
  const parsed = runRequestSchema.safeParse(parseBody(event));
  if (!parsed.success) throw invalidInput(parsed.error);
  const now = deps.now();
  const { timeZone } = deps.settings;
  let month: string;
  try {
    month = (parsed.data.month ? parseMonth(parsed.data.month, now, timeZone) : previousFullMonth(now, timeZone)).month;
  } catch (error) {
    if (error instanceof MonthError) throw new HttpError(400, `month: ${error.message}`, { issues: [{ field: "month", message: error.message }] });
    throw error;
  }
  // Requested wallboxes must be configured; the config is read a line at a time when it is JSON
  // Lines, never held whole here. A full run's config is checked by its plan step.
  const { wallboxIds } = parsed.data;
  if (wallboxIds && deps.settings.wallboxesFrom === "partner-api") {
    const message =
      "this stage finds its wallboxes through the Partner API (HEMS_WALLBOXES_FROM=partner-api), so a run reports all of them: leave out wallboxIds";
    throw new HttpError(400, message, { issues: [{ field: "wallboxIds", message }] });
  }
  if (wallboxIds) {
    let unknown: string[];
    try {
      unknown = await runRecords(deps).unknownWallboxIds(wallboxIds);
    } catch (error) {
      if (error instanceof ConfigError) throw new HttpError(500, error.message);
      throw error;
    }
    if (unknown.length > 0) {
      const error = new UnknownWallboxError(unknown);
      throw new HttpError(400, error.message, { issues: [{ field: "wallboxIds", message: `not configured: ${unknown.join(", ")}` }] });
    }
  }
  // A burst of requests must not fan out without bound: each run reads the API at its budget.
  const limit = deps.settings.maxConcurrentRuns;
  if ((await deps.runningRuns(limit)) >= limit) {
    throw new HttpError(
      429,
      `${limit} runs are running already, the most this stage allows at once: try again when one has finished`,
      {},
      { "retry-after": "300" },
    );
  }
  const job: RunJob = {
    runId: deps.newRunId(),
    month,
    ...(wallboxIds ? { wallboxIds } : {}),
    trigger: "on-demand",
    requestedAt: now.toISOString(),
    // The function URL's IAM auth names the signed caller; recorded in the run's status.
    requestedBy: callerArn(event) ?? "an IAM caller the function URL did not name",
    timeZone,
  };
  let outcome: StartOutcome;
  try {
    outcome = await startRunOnce(startDeps(deps), job);
  } catch (error) {
    if (error instanceof RunNotStartedError) throw new HttpError(500, error.message, { runId: error.runId });
    throw error;
  }
  // Two full runs of a month at once would both work for nothing: the month's lease lets one run.
  if (outcome.status === "busy") {
    const holder = outcome.holder.runId;
    throw new HttpError(409, `a run for ${month} is still running (runId ${holder}); follow it with GET ?runId=${holder}`, { runId: holder });
  }
  if (outcome.status !== "started") throw new Error(`run ${job.runId} was started before (a bug: run ids are new for each request)`);
  const manifest = outcome.manifestKey;
  return json(
    202,
    { runId: job.runId, month, status: "running", statusUrl: `?runId=${job.runId}`, manifestKey: manifest },
    { location: `?runId=${job.runId}` },
  );
}

const statusQuerySchema = z.object({ runId: z.guid({ error: "invalid uuid" }) });

/** GET ?runId=…: running (with its shards' and CSV parts' progress and its execution's state), done (keys, complete, totals) or failed (reason). */
async function runStatus(deps: TriggerDeps, event: LambdaFunctionURLEvent) {
  const parsed = statusQuerySchema.safeParse({ runId: event.queryStringParameters?.runId });
  if (!parsed.success) throw invalidInput(parsed.error);
  const { runId } = parsed.data;
  const recorded = await runRecords(deps).readStatus(runId);
  if (!recorded) throw new HttpError(404, `no run ${runId}`);
  const status = await settledStatus(startDeps(deps), recorded);
  if (status.status !== "running") return json(200, status);
  // A running run: how many of its shards are done, and whether its workflow is still going.
  const [progress, execution] = await Promise.all([
    runProgress(workflowDeps(deps).workStore(runId)),
    deps.describeRun(runId).catch((error: unknown) => {
      deps.logger.warn("could not describe the run's execution", { runId, error: (error as Error).message });
      return undefined;
    }),
  ]);
  if (execution && !["RUNNING", "SUCCEEDED", "PENDING_REDRIVE"].includes(execution.status)) {
    const error = `the run's workflow ended ${execution.status}${execution.error ? ` (${execution.error})` : ""} before it recorded a result: see the execution ${runId} in the Step Functions console`;
    return json(200, { ...status, status: "failed", finishedAt: deps.now().toISOString(), error });
  }
  return json(200, { ...status, ...(progress ? { progress } : {}), ...(execution ? { execution: execution.status } : {}) });
}

export function createOnDemandHandler(deps: () => TriggerDeps) {
  return httpHandler(
    () => deps().logger,
    async (event) => {
      const method = event.requestContext.http.method.toUpperCase();
      if (method === "POST") return startRun(deps(), event);
      if (method === "GET") return runStatus(deps(), event);
      throw new HttpError(405, `method ${method} is not allowed: POST starts a run, GET ?runId=… reads its status`, {}, { allow: "GET, POST" });
    },
  );
}

export const handler = createOnDemandHandler(productionTriggerDeps);
