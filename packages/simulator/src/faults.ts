import { LosslessNumber } from "lossless-json";
import { generator, seedOf } from "./random.ts";
import type { Fault, SessionsRequest, Simulator } from "./server.ts";

/** The faults `npm run simulator -- --fault KIND` can switch on, each as a real server would misbehave. */
export const FAULT_KINDS = {
  hang: "accept the request and never answer",
  "stall-body": "send the headers and the start of the body, then nothing more",
  "corrupt-gzip": "say Content-Encoding: gzip and send a body that is not gzip",
  "http-503": "answer 503 Service Unavailable",
  "http-429": "answer 429 Too Many Requests with Retry-After: 1",
  "changed-duplicate": "answer the page plus a second, different copy of its first session (the data moved while paging)",
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;

export const isFaultKind = (text: string): text is FaultKind => Object.hasOwn(FAULT_KINDS, text);

/** A sessions hook that answers `kind` to a share `rate` of requests, chosen by a generator seeded from `seed`. */
export function randomFaults(kind: FaultKind, rate: number, seed: string) {
  const random = generator(seedOf(seed, "faults", kind));
  return (request: SessionsRequest, simulator: Simulator): Fault | undefined => {
    if (random() >= rate) return undefined;
    switch (kind) {
      case "hang":
        return { hang: true };
      case "stall-body":
        return { stallBody: true };
      case "corrupt-gzip":
        return { corruptGzip: true };
      case "http-503":
        return { status: 503 };
      case "http-429":
        return { status: 429, headers: { "retry-after": "1" } };
      case "changed-duplicate": {
        const all = simulator.sessionsFor(request.wallboxId, request.from, request.to);
        const page = all.slice(request.offset, request.offset + request.limit);
        const first = page[0];
        if (!first) return undefined;
        const changed = { ...first, savings_eur: new LosslessNumber("999.99") };
        return { status: 200, body: { total: all.length, items: [...page, changed] } };
      }
    }
  };
}
