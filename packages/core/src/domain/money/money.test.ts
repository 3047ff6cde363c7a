import { describe, expect, it } from "vitest";
import { DecimalFormatError, parseDecimal, roundEur, roundKwh, sum } from "./index.ts";

const total = (...texts: string[]) => sum(texts.map(parseDecimal));

describe("money", () => {
  it("rounds the decimal a JSON literal denotes, half away from zero", () => {
    // As floats, (1.005).toFixed(2) is "1.00" and (2.675).toFixed(2) is "2.67".
    expect(roundEur(parseDecimal("1.005"))).toBe("1.01");
    expect(roundEur(parseDecimal("2.675"))).toBe("2.68");
    expect(roundEur(parseDecimal("-0.005"))).toBe("-0.01");
    expect(roundEur(parseDecimal("-2.675"))).toBe("-2.68");
    expect(roundEur(parseDecimal("0.004999"))).toBe("0.00");
    expect(roundKwh(parseDecimal("1.0005"))).toBe("1.001");
    expect(roundKwh(parseDecimal("12"))).toBe("12.000");
  });

  it("never prints a negative zero", () => {
    expect(roundEur(parseDecimal("-0.001"))).toBe("0.00");
    expect(roundKwh(parseDecimal("-0.0004"))).toBe("0.000");
  });

  it("sums exactly, with no float drift", () => {
    const tenths = Array.from({ length: 10 }, () => "0.1");
    const mixed = Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? "0.1" : "0.2"));
    expect(total(...tenths).toFixed(20)).toBe("1.00000000000000000000");
    expect(roundEur(total(...mixed))).toBe("4.50");
    expect(total("0.1", "0.2").eq(parseDecimal("0.3"))).toBe(true);
  });

  it("rounds once: a thousand 0.004 are 4.00, not a thousand 0.00", () => {
    const values = Array.from({ length: 1000 }, () => "0.004");
    expect(roundEur(total(...values))).toBe("4.00");
    expect(values.map((value) => roundEur(parseDecimal(value))).every((rounded) => rounded === "0.00")).toBe(true);
  });

  it("reads exponent notation and keeps large values exact", () => {
    expect(roundEur(parseDecimal("1.5e-2"))).toBe("0.02");
    expect(roundEur(total("90071992547409.93", "0.01"))).toBe("90071992547409.94");
  });

  it("refuses text that is not a decimal", () => {
    for (const text of ["", "abc", "1,5", "NaN", "Infinity", "0x10", " 1", "1."]) {
      expect(() => parseDecimal(text), text).toThrow(DecimalFormatError);
    }
  });
});
