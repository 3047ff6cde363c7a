import type { Logger } from "@aws-lambda-powertools/logger";
import { formatIssues } from "@hems-reports/core/shared/validation";
import type { z } from "zod";

/** A step's input from the state machine, checked: a malformed one fails the step, naming what is wrong. */
export function parseStepInput<T>(schema: z.ZodType<T>, event: unknown, step: string, logger: Logger): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const why = formatIssues(parsed.error);
    logger.error(`invalid ${step} step input`, { error: why });
    throw new Error(`invalid ${step} step input: ${why}`);
  }
  return parsed.data;
}
