import type { Logger } from "@aws-lambda-powertools/logger";
import { formatIssues } from "@hems-reports/core/shared/validation";
import { z } from "zod";

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

/**
 * One of a function's two inputs, told apart by a key only one of them has: checked against that
 * one's schema, so a malformed input is named field by field (a plain union says only that it
 * matches neither).
 */
export function inputBy<A, B>(key: string, withKey: z.ZodType<A>, without: z.ZodType<B>): z.ZodType<A | B> {
  return z.unknown().transform((event, context) => {
    const schema: z.ZodType<A | B> = event !== null && typeof event === "object" && key in event ? withKey : without;
    const parsed = schema.safeParse(event);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.addIssue({ ...issue, code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  }) as unknown as z.ZodType<A | B>;
}
