import { randomBytes } from "node:crypto";
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
 * Marks a number literal that `parseJsonKeepingDigits` kept as text: U+0001 (which JSON text can
 * only carry escaped, and the fast path only parses text without escapes) and a nonce drawn per
 * process, so no string an API sends can pass for a kept number.
 */
const KEPT = `\u0001${randomBytes(6).toString("hex")}:`;
const KEPT_IN_JSON = `\\u0001${KEPT.slice(1)}`;

/**
 * `JSON.parse`, with the number values of the named keys kept as their literal text: the fast way
 * to parse a page of sessions exactly (about 6 times cheaper than lossless-json here). A key can
 * only be matched where JSON puts keys: after `{` or `,`, with a quote that no backslash escapes
 * (inside a string every quote is escaped). A text with `\u` escapes could spell a key another
 * way (`"\u0073avings_eur"`), so such rare text goes through lossless-json instead. Every other
 * number is an ordinary double, which the schemas accept only where it is exact: as a safe integer.
 */
export function parseJsonKeepingDigits(text: string, keys: readonly string[]): unknown {
  if (text.includes("\\u")) return parseExactJson(text);
  return JSON.parse(text.replace(keptNumbersPattern(keys), `$1"${KEPT_IN_JSON}$2"`));
}

const patterns = new Map<string, RegExp>();
function keptNumbersPattern(keys: readonly string[]): RegExp {
  const id = keys.join("|");
  let pattern = patterns.get(id);
  if (!pattern) {
    const names = keys.map((key) => key.replace(/[^a-z0-9_]/gi, "")).join("|");
    pattern = new RegExp(`([{,]\\s*"(?:${names})"\\s*:\\s*)(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`, "g");
    patterns.set(id, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * Digits a plausible amount can have. Exact arithmetic writes out every digit, so a literal such
 * as 1e999999999 would need a billion of them: refused as a contract violation (the wallbox
 * fails) instead of exhausting memory or time.
 */
const PLAUSIBLE_DECIMAL = /^-?\d{1,20}(?:\.\d{1,20})?(?:[eE][+-]?\d{1,2})?$/;

/**
 * A JSON number, as the exact decimal text it was written with: kept as text by
 * `parseJsonKeepingDigits`, a `LosslessNumber` from `parseExactJson`, or a safe integer (the only
 * plain number whose digits are certain).
 */
export const jsonDecimal = z
  .union([
    z
      .number()
      .refine(Number.isSafeInteger, { error: "expected a number whose digits were kept (parse it with parseJsonKeepingDigits)" })
      .transform((value) => String(value)),
    z
      .string()
      .refine((text) => text.startsWith(KEPT), { error: "expected a number" })
      .transform((text) => text.slice(KEPT.length)),
    z.instanceof(LosslessNumber, { error: "expected a number" }).transform((value) => value.value),
  ])
  .refine((text) => PLAUSIBLE_DECIMAL.test(text), {
    error: "expected a decimal number of plausible size (at most 20 digits before and after the point, exponent at most 99)",
  });
