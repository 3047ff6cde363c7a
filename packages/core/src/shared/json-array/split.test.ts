import { describe, expect, it } from "vitest";
import { JsonArrayError, jsonArrayItems } from "./index.ts";

async function itemsOf(chunks: (string | Buffer)[]): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const text of jsonArrayItems(chunks)) items.push(JSON.parse(text));
  return items;
}

describe("the items of a JSON array, read as its chunks arrive", () => {
  it("gives each item whole, wherever the chunks split it, strings with brackets and escapes included", async () => {
    const items = [{ id: 1, name: 'a "quoted" ] name', nested: { list: [1, [2, 3]] } }, { id: 2, note: "back\\\\slash}" }, []];
    const text = ` ${JSON.stringify(items, null, 2)}\n`;
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));
      expect(await itemsOf(chunks), `chunks of ${size}`).toEqual(items);
    }
    expect(await itemsOf(["[]"])).toEqual([]);
  });

  it("keeps a character whose bytes two chunks split", async () => {
    const bytes = Buffer.from(JSON.stringify([{ town: "Łódź" }]));
    const cut = bytes.indexOf(Buffer.from("Ł")) + 1;
    expect(await itemsOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([{ town: "Łódź" }]);
  });

  it("says what is wrong with an answer that is no array, is cut off, or goes on after its end", async () => {
    await expect(itemsOf(['{"detail": "no"}'])).rejects.toThrow(new JsonArrayError("the answer is not a JSON array (at character 0)"));
    await expect(itemsOf(['[{"id": 1}, {"id": 2'])).rejects.toThrow(/the array ends before its closing bracket: the answer was cut off/);
    await expect(itemsOf(['[{"id": 1}] x'])).rejects.toThrow(/there is more after the array's end/);
    await expect(itemsOf(["[1, 2]"])).rejects.toThrow(/an item of the array is not an object or an array/);
    await expect(itemsOf([""])).rejects.toThrow(/the answer is empty/);
  });
});
