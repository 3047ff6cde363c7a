import { recordingFailure, type StepName, type WorkflowDeps } from "@hems-reports/core/cloud";
import type { RunJob } from "@hems-reports/core/domain/run";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { runLogFor, workflowDeps } from "./core-ports.ts";
import type { StepDeps } from "./step-deps.ts";
import { parseStepInput } from "./step-input.ts";

/** What a step's own code gets: the functions' parts, the workflow's ports with the run's log, and Lambda's context. */
export interface StepContext {
  app: StepDeps;
  workflow: WorkflowDeps;
  context?: Context;
}

/**
 * The one opening of every workflow step: the Lambda context on the log, the input checked
 * against its schema (a malformed one fails the step, naming the field), the run's log, and a
 * failure recorded as the run's when the workflow will not try the step again. (A step whose
 * settings or input cannot be read has no run to record it in: the execution's state and the
 * function's error alarm say it.)
 */
export function stepHandler<Input, Output>(
  step: StepName,
  schema: z.ZodType<Input>,
  jobOf: (input: Input) => RunJob,
  run: (input: Input, step: StepContext) => Promise<Output>,
  fieldsOf: (input: Input) => Record<string, unknown> = () => ({}),
) {
  return (deps: () => StepDeps) =>
    async (event: unknown, context?: Context): Promise<Output> => {
      const app = deps();
      if (context) app.logger.addContext(context);
      const input = parseStepInput(schema, event, step, app.logger);
      const job = jobOf(input);
      const workflow = workflowDeps(app, runLogFor(app, job));
      return recordingFailure(workflow, job, { name: step, fields: fieldsOf(input) }, () =>
        run(input, { app, workflow, ...(context ? { context } : {}) }),
      );
    };
}
