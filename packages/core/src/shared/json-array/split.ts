import { StringDecoder } from "node:string_decoder";

/** An answer that is not the one JSON array it should be: not an array, cut off, or more after its end. */
export class JsonArrayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonArrayError";
  }
}

/**
 * The items of a JSON document that is one array (`[ {…}, {…} ]`), as the JSON text of each, read
 * from chunks as they arrive: a list of a million users (hundreds of MB) never exists as one
 * string. Only the structure is tracked here (depth, strings, escapes); each item is parsed by
 * whoever takes it, so an item that is not valid JSON fails there, naming itself.
 */
export async function* jsonArrayItems(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxItemBytes = 1 << 20,
): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let started = false;
  let ended = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let item = "";
  let offset = 0;
  const fail = (why: string) => {
    throw new JsonArrayError(`${why} (at character ${offset})`);
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    let itemStart = depth > 0 ? 0 : -1;
    for (let index = 0; index < text.length; index++, offset++) {
      const character = text[index]!;
      if (!started) {
        if (character === "[") started = true;
        else if (!/\s/.test(character)) fail("the answer is not a JSON array");
        continue;
      }
      if (ended) {
        if (!/\s/.test(character)) fail("there is more after the array's end");
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (character === "\\") escaped = true;
        else if (character === '"') inString = false;
        continue;
      }
      if (depth === 0) {
        if (character === "]") ended = true;
        else if (character === "{" || character === "[") {
          depth = 1;
          itemStart = index;
        } else if (character !== "," && !/\s/.test(character)) fail("an item of the array is not an object or an array");
        continue;
      }
      if (character === '"') inString = true;
      else if (character === "{" || character === "[") depth++;
      else if (character === "}" || character === "]") {
        depth--;
        if (depth === 0) {
          item += text.slice(itemStart, index + 1);
          yield item;
          item = "";
          itemStart = -1;
        }
      }
    }
    if (depth > 0 && itemStart >= 0) {
      item += text.slice(itemStart);
      if (item.length > maxItemBytes) fail(`an item is longer than ${maxItemBytes} characters`);
    }
  }
  if (!started) fail("the answer is empty, not a JSON array");
  if (!ended) fail("the array ends before its closing bracket: the answer was cut off");
}
