import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { BodyDecodeError, undiciSend } from "./send.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(answer: (headers: Record<string, string | string[] | undefined>) => { headers: Record<string, string>; body: Buffer }) {
  server = createServer((request, response) => {
    const { headers, body } = answer(request.headers);
    response.writeHead(200, headers);
    response.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const send = (url: string) => undiciSend(url, { method: "GET", headers: { accept: "application/json" }, signal: new AbortController().signal });

describe("undiciSend", () => {
  it("asks for no compression, and reads the status, Retry-After and body", async () => {
    let asked: unknown;
    const url = await serve((headers) => {
      asked = headers["accept-encoding"];
      return { headers: { "retry-after": "7" }, body: Buffer.from('{"total":0,"items":[]}') };
    });
    expect(await send(url)).toEqual({ status: 200, retryAfter: "7", body: '{"total":0,"items":[]}' });
    expect(asked).toBe("identity");
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
  ])("decodes a %s body a proxy compressed anyway", async (encoding, compress) => {
    const url = await serve(() => ({ headers: { "content-encoding": encoding }, body: compress(Buffer.from('{"total":1}')) }));
    expect((await send(url)).body).toBe('{"total":1}');
  });

  it("fails at once on a body that does not decode", async () => {
    const url = await serve(() => ({ headers: { "content-encoding": "gzip" }, body: Buffer.from("not gzip") }));
    await expect(send(url)).rejects.toThrow(new BodyDecodeError("gzip"));
  });
});
