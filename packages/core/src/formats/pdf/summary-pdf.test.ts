import { describe, expect, it } from "vitest";
import { drawable } from "./summary-pdf.ts";

describe("text in the PDF summary's standard fonts (Windows-1252)", () => {
  it("keeps what the fonts have, writes other letters as their base letter, and anything else as ?", () => {
    expect(drawable("Stadtwerke Müller & Söhne GmbH – 1.750,09 €")).toBe("Stadtwerke Müller & Söhne GmbH – 1.750,09 €");
    expect(drawable("Łódź Energia, Škoda, Dvořák, Ostrava–Poruba")).toBe("Lódz Energia, Škoda, Dvorák, Ostrava–Poruba");
    expect(drawable("±0 kWh, +3.9 %")).toBe("±0 kWh, +3.9 %");
    expect(drawable("Энергия")).toBe("???????");
  });
});
