import { describe, expect, it } from "vitest";
import { jsonDecimal, parseExactJson, parseJsonKeepingDigits } from "../../shared/exact-json/index.ts";
import { apiSessionPageSchema } from "./index.ts";

const KEYS = ["savings_eur", "energy_from_solar_kwh"];
const decimal = (value: unknown) => jsonDecimal.safeParse(value);

describe("parseJsonKeepingDigits", () => {
  it("keeps the literal digits of the named keys, wherever they stand", () => {
    const text =
      '{"savings_eur":1.005,"items":[ {"x":1, "savings_eur" : -0.10000000000000000001 , "energy_from_solar_kwh":1e-3}, {"savings_eur":null} ]}';
    const value = parseJsonKeepingDigits(text, KEYS) as { savings_eur: unknown; items: Record<string, unknown>[] };
    expect(decimal(value.savings_eur).data).toBe("1.005");
    expect(decimal(value.items[0]!.savings_eur).data).toBe("-0.10000000000000000001");
    expect(decimal(value.items[0]!.energy_from_solar_kwh).data).toBe("1e-3");
    expect(value.items[0]!.x).toBe(1);
    expect(value.items[1]!.savings_eur).toBeNull();
  });

  it("never touches text inside a string, however it looks", () => {
    const tricky = '{"note":"a \\",\\"savings_eur\\":1.5 b","path":"C:\\\\","savings_eur":2.25}';
    const value = parseJsonKeepingDigits(tricky, KEYS) as Record<string, unknown>;
    expect(value.note).toBe('a ","savings_eur":1.5 b');
    expect(value.path).toBe("C:\\");
    expect(decimal(value.savings_eur).data).toBe("2.25");
  });

  it("leaves a string where the contract wants a number a string, which the decimal schema refuses", () => {
    const value = parseJsonKeepingDigits('{"savings_eur":"1.5"}', KEYS) as Record<string, unknown>;
    expect(decimal(value.savings_eur).success).toBe(false);
  });

  it("reads a key spelled with escapes exactly too (through lossless-json)", () => {
    const value = parseJsonKeepingDigits('{"\\u0073avings_eur":1.0000000000000000001,"x":"\\u00e9"}', KEYS) as Record<string, unknown>;
    expect(decimal(value.savings_eur).data).toBe("1.0000000000000000001");
    expect(value.x).toBe("é");
  });

  it("takes no string the API sends for a kept number, whatever it starts with", () => {
    for (const text of ['{"savings_eur":"\\u00011.5"}', '{"savings_eur":"1.5"}']) {
      const value = parseJsonKeepingDigits(text, KEYS) as Record<string, unknown>;
      expect(decimal(value.savings_eur).success).toBe(false);
    }
  });

  it("refuses a plain double as a decimal: only kept digits or safe integers are certain", () => {
    expect(decimal(1.005).success).toBe(false);
    expect(decimal(3).data).toBe("3");
  });

  it("reads a page of sessions exactly as lossless-json does", () => {
    const items = Array.from(
      { length: 50 },
      (_, index) =>
        `{"id":${index + 1},"ocpp_transaction_id":${index % 7 === 0 ? "null" : 1000 + index},"started_at":"2026-10-0${(index % 9) + 1}T01:00:00Z",` +
        `"ended_at":null,"final_hems_state":"finished","outcome":"charged_from_solar","energy_from_solar_kwh":${index}.${index}05,` +
        `"savings_eur":${index % 5 === 0 ? "null" : `0.${index}1e1`},"has_complete_price_coverage":true,"commands_sent":3,"commands_applied":2,"commands_ineffective":1}`,
    );
    const text = `{"total":50,"items":[${items.join(",")}]}`;
    expect(apiSessionPageSchema.parse(parseJsonKeepingDigits(text, KEYS))).toEqual(apiSessionPageSchema.parse(parseExactJson(text)));
  });
});
