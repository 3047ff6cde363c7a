import { LosslessNumber, parse } from "lossless-json";
import { z } from "zod";

/**
 * JSON parsing that keeps every number's digits.
 *
 * `JSON.parse` turns 1.005 into the nearest double, 1.00499999999999989…; finance needs the
 * decimal the API wrote. Safe integers become plain numbers; every other number stays a
 * `LosslessNumber` holding its literal text, which `jsonDecimal` turns into decimal text.
 */
const SAFE_INTEGER_TEXT = /^-?\d{1,15}$/;

export function parseExactJson(text: string): unknown {
  return parse(text, null, (literal) => (SAFE_INTEGER_TEXT.test(literal) ? Number(literal) : new LosslessNumber(literal)));
}

/** A JSON number, as the exact decimal text it was written with. */
export const jsonDecimal = z.union([
  z.number().transform((value) => String(value)),
  z.instanceof(LosslessNumber, { error: "expected a number" }).transform((value) => value.value),
]);
