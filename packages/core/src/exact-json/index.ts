import { LosslessNumber, parse } from "lossless-json";
import { z } from "zod";

/**
 * JSON parsing that keeps every number's digits.
 *
 * `JSON.parse` turns 1.005 into the nearest double, 1.00499999999999989…; finance needs the
 * decimal the API wrote. Safe integers become plain numbers; every other number stays a
 * `LosslessNumber` holding its literal text, which `jsonDecimal` turns into decimal text.
 */
const INTEGER_TEXT = /^-?\d+$/;

export function parseExactJson(text: string): unknown {
  return parse(text, null, (literal) =>
    INTEGER_TEXT.test(literal) && Number.isSafeInteger(Number(literal)) ? Number(literal) : new LosslessNumber(literal),
  );
}

/**
 * Digits a plausible amount can have. Exact arithmetic writes out every digit, so a literal such
 * as 1e999999999 would need a billion of them: refused as a contract violation (the wallbox
 * fails) instead of exhausting memory or time.
 */
const PLAUSIBLE_DECIMAL = /^-?\d{1,20}(?:\.\d{1,20})?(?:[eE][+-]?\d{1,2})?$/;

/** A JSON number, as the exact decimal text it was written with. */
export const jsonDecimal = z
  .union([
    z.number().transform((value) => String(value)),
    z.instanceof(LosslessNumber, { error: "expected a number" }).transform((value) => value.value),
  ])
  .refine((text) => PLAUSIBLE_DECIMAL.test(text), {
    error: "expected a decimal number of plausible size (at most 20 digits before and after the point, exponent at most 99)",
  });
