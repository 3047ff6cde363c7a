import BigConstructor from "big.js";

/**
 * Exact decimal arithmetic for money and energy.
 *
 * big.js keeps every digit of additions exactly, so a wallbox's month can be summed with no
 * intermediate rounding; rounding happens once, at the end, by the rule in `roundHalfAwayFromZero`.
 */
const Big = BigConstructor();
Big.strict = true;

export type Decimal = InstanceType<typeof Big>;

const ROUND_HALF_UP = 1; // big.js: to nearest, ties away from zero
const DECIMAL_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class DecimalFormatError extends Error {
  constructor(text: string) {
    super(`"${text}" is not a decimal number`);
    this.name = "DecimalFormatError";
  }
}

/** Parses the decimal a JSON number literal denotes, digit for digit ("1.005" is 1.005). */
export function parseDecimal(text: string): Decimal {
  if (!DECIMAL_TEXT.test(text)) throw new DecimalFormatError(text);
  return new Big(text);
}

export const ZERO: Decimal = new Big("0");

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}

/** Rounds to `places` decimals, ties away from zero, and prints exactly that many decimals. */
export function roundHalfAwayFromZero(value: Decimal, places: number): string {
  const text = value.round(places, ROUND_HALF_UP).toFixed(places);
  // big.js keeps the sign of a negative value that rounds to zero; "-0.00" means nothing to finance.
  return /^-0(?:\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Savings: euros to the cent. */
export function roundEur(value: Decimal): string {
  return roundHalfAwayFromZero(value, 2);
}

/** Energy: kWh to the Wh. */
export function roundKwh(value: Decimal): string {
  return roundHalfAwayFromZero(value, 3);
}

/** "1234567.5" as "1,234,567.5": digits grouped, the decimal text untouched (never through a float). */
export function groupDigits(value: string | number): string {
  const text = String(value);
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${match[3] ?? ""}`;
}

/** A signed difference of two decimal texts, exactly, digits grouped: "+50.09", "-0.10", "±0.00". */
export function signedDifference(after: string, before: string, places: number): string {
  const difference = parseDecimal(after).minus(parseDecimal(before));
  const text = groupDigits(difference.abs().toFixed(places));
  return difference.gt(ZERO) ? `+${text}` : difference.lt(ZERO) ? `-${text}` : `±${text}`;
}
