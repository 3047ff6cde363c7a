import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { seededGenerator } from "@hems-reports/simulator";

/**
 * An S3 endpoint that fails as S3 does, in front of the local S3: a seeded random share of the
 * requests is answered with 500 InternalError or 503 SlowDown, a conditional write with 409
 * ConditionalRequestConflict (nothing written), or a GetObject's body is cut off midway (the
 * headers and part of the body arrive, then the connection drops, which the SDK does not
 * retry: aws-sdk-js-v3 issue 4897) or stalls (the connection stays open and silent, which only
 * the client's idle timeout ends). Point the functions' client at `endpoint`.
 */
export interface FaultRates {
  /** Of all requests: 500 InternalError. */
  internalError: number;
  /** Of all requests: 503 SlowDown. */
  slowDown: number;
  /** Of conditional writes (If-None-Match / If-Match on PUT or a multipart completion): 409. */
  conflict: number;
  /** Of GetObject answers with a body: the body stops after a random share of it. */
  cutBody: number;
  /** Of GetObject answers with a body: the body goes silent after a random share of it, the connection left open. */
  stallBody: number;
}

export interface FaultyS3 {
  endpoint: string;
  /** The faults injected so far, by kind. */
  injected: Record<keyof FaultRates, number>;
  /** Stops injecting (the requests still pass through). */
  calm(): void;
  close(): Promise<void>;
}

const errorBody = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`;

function answer(response: import("node:http").ServerResponse, status: number, code: string, message: string) {
  const body = errorBody(code, message);
  response.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

const isConditionalWrite = (incoming: IncomingMessage) =>
  (incoming.method === "PUT" || (incoming.method === "POST" && /[?&]uploadId=/.test(incoming.url ?? ""))) &&
  (incoming.headers["if-none-match"] !== undefined || incoming.headers["if-match"] !== undefined);

/** A GetObject: a GET of a key (path style: /bucket/key), not a listing of the bucket. */
const isGetObject = (incoming: IncomingMessage) => incoming.method === "GET" && /^\/[^/?]+\/[^?]+/.test(incoming.url ?? "");

export async function startFaultyS3(upstream: string, options: { seed: number; rates: FaultRates }): Promise<FaultyS3> {
  // The simulator's seeded generator, so a failing seed can be run again.
  const random = seededGenerator(options.seed);
  const injected: Record<keyof FaultRates, number> = { internalError: 0, slowDown: 0, conflict: 0, cutBody: 0, stallBody: 0 };
  let calm = false;
  const target = new URL(upstream);
  const server: Server = createServer((incoming, response) => {
    const roll = calm ? 1 : random();
    const { rates } = options;
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      if (roll < rates.internalError) {
        injected.internalError++;
        return answer(response, 500, "InternalError", "We encountered an internal error. Please try again.");
      }
      if (roll < rates.internalError + rates.slowDown) {
        injected.slowDown++;
        return answer(response, 503, "SlowDown", "Please reduce your request rate.");
      }
      if (isConditionalWrite(incoming) && !calm && random() < rates.conflict) {
        injected.conflict++;
        return answer(response, 409, "ConditionalRequestConflict", "A conflicting operation occurred. Please retry.");
      }
      const cutRoll = isGetObject(incoming) && !calm ? random() : 1;
      const cut = cutRoll < rates.cutBody + rates.stallBody;
      const stall = cutRoll >= rates.cutBody;
      const cutAt = random();
      const forward = request(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (upstreamResponse) => {
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          const length = Number(upstreamResponse.headers["content-length"] ?? 0);
          if (!cut || (upstreamResponse.statusCode !== 200 && upstreamResponse.statusCode !== 206) || length < 2) {
            upstreamResponse.pipe(response);
            return;
          }
          if (stall) injected.stallBody++;
          else injected.cutBody++;
          let remaining = Math.max(1, Math.floor(length * cutAt));
          upstreamResponse.on("data", (chunk: Buffer) => {
            if (remaining <= 0) return;
            const part = chunk.subarray(0, remaining);
            remaining -= part.length;
            response.write(part);
            if (remaining <= 0) {
              upstreamResponse.destroy();
              // The connection drops with the body unfinished, as a reset midway would; or it
              // stays open and says nothing more, as a stalled peer does.
              if (!stall) setImmediate(() => response.socket?.destroy());
            }
          });
        },
      );
      forward.on("error", () => response.socket?.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    calm: () => {
      calm = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
