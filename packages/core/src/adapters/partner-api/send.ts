import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { request } from "undici";

/** A request as the Partner API client makes it. */
export interface OutgoingRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

/** An answer read in full: its status, the one header the client acts on, the body as text. */
export interface ReceivedAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** One HTTP exchange, aborted by `signal`. The seam between the client and the network. */
export type HttpSend = (url: string, init: OutgoingRequest & { signal: AbortSignal }) => Promise<ReceivedAnswer>;

/** A body whose `Content-Encoding` does not decode; retried like a network error. */
export class BodyDecodeError extends Error {
  constructor(encoding: string, options?: ErrorOptions) {
    super(`a ${encoding} body that does not decode`, options);
    this.name = "BodyDecodeError";
  }
}

/** Far above any page of 200 sessions (about 70 KB): a body that decodes to more is refused, not inflated without end. */
const MAX_DECODED_BYTES = 64 * 2 ** 20;
const limit = { maxOutputLength: MAX_DECODED_BYTES };
const [gunzipAsync, inflateAsync, brotliAsync] = [promisify(gunzip), promisify(inflate), promisify(brotliDecompress)];
const decoders: Record<string, (input: Buffer) => Promise<Buffer>> = {
  gzip: (input) => gunzipAsync(input, limit),
  "x-gzip": (input) => gunzipAsync(input, limit),
  deflate: (input) => inflateAsync(input, limit),
  br: (input) => brotliAsync(input, limit),
};

/**
 * `HttpSend` on undici's `request`, which costs the main thread far less per request than
 * `fetch` (measured with `npm run bench`). It asks for no compression; if a proxy compresses
 * anyway, the body is decoded off the main thread, and a body that does not decode fails at once
 * (Node 20's `fetch` could wait for it forever).
 */
export const undiciSend: HttpSend = async (url, init) => {
  const answer = await request(url, {
    method: init.method,
    headers: { ...init.headers, "accept-encoding": "identity" },
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: init.signal,
  });
  const header = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  const encoding = header("content-encoding")?.trim().toLowerCase();
  let body: string;
  if (!encoding || encoding === "identity") {
    body = await answer.body.text();
  } else {
    const decode = decoders[encoding];
    const raw = Buffer.from(await answer.body.arrayBuffer());
    if (!decode) throw new BodyDecodeError(encoding);
    try {
      body = (await decode(raw)).toString("utf8");
    } catch (error) {
      throw new BodyDecodeError(encoding, { cause: error });
    }
  }
  return { status: answer.statusCode, retryAfter: header("retry-after"), body };
};
