import { createHash } from "node:crypto";
import { once } from "node:events";
import { GetObjectCommand, HeadObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { putObject, readObjectText, S3ObjectError, s3Error, s3ReportStore, s3WorkStore } from "@hems-reports/core/adapters/aws/s3";
import { writeFile } from "@hems-reports/core/ports";
import { S3RefusedError } from "@hems-reports/core/shared/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionsClient, type LocalS3, startLocalS3 } from "../support/s3.ts";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

describe("S3 report store (against s3rver)", () => {
  it("stores a streamed file byte for byte, with its content type, size and sha256", async () => {
    const store = s3ReportStore(s3, "reports/org/2026-10/");
    const chunks = Array.from({ length: 300 }, (_, index) => Buffer.alloc(1024, index % 256));
    const stored = await writeFile(store, {
      name: "big.bin",
      contentType: "application/octet-stream",
      produce: async (out) => {
        for (const chunk of chunks) out.write(chunk);
        out.end();
      },
    });
    const expected = Buffer.concat(chunks);
    const answer = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "reports/org/2026-10/big.bin" }));
    const body = Buffer.from(await answer.Body!.transformToByteArray());
    expect(body.equals(expected)).toBe(true);
    expect(answer.ContentType).toBe("application/octet-stream");
    expect(stored).toMatchObject({
      key: "reports/org/2026-10/big.bin",
      location: `s3://${s3.bucket}/reports/org/2026-10/big.bin`,
      bytes: expected.length,
      sha256: createHash("sha256").update(expected).digest("hex"),
    });
  });

  it("streams a large file in parts straight to its name, once: a second write of the name keeps the first file", async () => {
    const store = s3ReportStore(s3, "reports/org/2026-07/");
    const chunk = Buffer.alloc(1 << 20, 7);
    const stored = await writeFile(store, {
      name: "large.csv",
      contentType: "text/csv",
      produce: async (out) => {
        for (let index = 0; index < 20; index++) if (!out.write(chunk)) await once(out, "drain");
        out.end();
      },
    });
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "reports/org/2026-07/large.csv" }));
    expect(head.ContentLength).toBe(20 << 20);
    expect(head.ContentType).toBe("text/csv");
    const sha256 = createHash("sha256")
      .update(Buffer.concat(Array(20).fill(chunk)))
      .digest("hex");
    expect(stored.sha256).toBe(sha256);
    // A retried step writes the same name again: the stored file stays, measured as it is, and
    // the producer is not even run.
    let produced = false;
    const again = await writeFile(store, {
      name: "large.csv",
      contentType: "text/csv",
      produce: async (out) => {
        produced = true;
        out.end("other bytes");
      },
    });
    expect(produced).toBe(false);
    expect(again).toMatchObject({ bytes: 20 << 20, sha256 });
    // Two writes at once: S3 (here the conditional-write layer) lets one create it, the other keeps it.
    const [first, second] = await Promise.all(
      ["one", "two"].map((text) =>
        writeFile(s3ReportStore({ client: functionsClient(s3), bucket: s3.bucket }, "reports/org/2026-07/"), {
          name: "raced.json",
          contentType: "application/json",
          produce: async (out) => void out.end(`"${text}"`),
        }),
      ),
    );
    expect(first!.sha256).toBe(second!.sha256);
    expect(await readObjectText(s3, "reports/org/2026-07/raced.json")).toMatch(/^"(one|two)"$/);
  });

  it("names S3's failure, not the abort it causes, when a part upload fails midway", async () => {
    const client = functionsClient(s3, { failCommand: "UploadPartCommand" });
    const store = s3ReportStore({ client, bucket: s3.bucket }, "reports/org/2026-06/");
    const chunk = Buffer.alloc(1 << 20, 1);
    const error = await store
      .stage("large.csv", "text/csv", async (out) => {
        for (let index = 0; index < 40; index++) if (!out.write(chunk)) await once(out, "drain");
        out.end();
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3ObjectError);
    // S3's own failure, whatever it is, with the key; not "The operation was aborted". (Here it is
    // s3rver's answer to the multipart abort that follows the failed part, which it does not support.)
    expect((error as Error).message).toMatch(/^cannot write s3:\/\/.*\/large\.csv: (simulated S3 outage|MethodNotAllowed \(HTTP 405\))$/);
  });

  it("leaves no object when producing fails midway", async () => {
    const store = s3ReportStore(s3, "reports/org/2026-09/");
    await expect(
      writeFile(store, {
        name: "half.json",
        contentType: "application/json",
        produce: async (out) => {
          out.write("{");
          throw new Error("producer broke");
        },
      }),
    ).rejects.toThrow("producer broke");
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "reports/org/2026-09/half.json" }))).rejects.toThrow();
  });

  it("neither hangs nor leaves an unhandled error when the producer breaks the stream", async () => {
    const store = s3ReportStore(s3, "reports/org/2026-08/");
    // Closed without an error: the store must notice rather than wait for an end that never comes.
    await expect(store.stage("closed.xlsx", "x", async (out) => void out.destroy())).rejects.toThrow(/premature close/i);
    // Destroyed with an error while the producer itself fails: one rejection, nothing unhandled.
    await expect(
      store.stage("broken.xlsx", "x", async (out) => {
        out.destroy(new Error("zip failed"));
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("producer failed");
      }),
    ).rejects.toThrow("producer failed");
  });

  it("reads text back, and says undefined for a missing key", async () => {
    await putObject(s3, "config/x.json", Buffer.from('{"a":1}'), "application/json");
    expect(await readObjectText(s3, "config/x.json")).toBe('{"a":1}');
    expect(await readObjectText(s3, "config/missing.json")).toBeUndefined();
  });

  it("names the bucket and key when S3 refuses", async () => {
    const error = await putObject({ client: s3.client, bucket: "no-such-bucket" }, "k", Buffer.from("x"), "text/plain").catch(
      (caught: unknown) => caught,
    );
    // A refusal no retry changes: it ends the run with its reason (fatal in the workflow), not a fault retried.
    expect(error).toBeInstanceOf(S3RefusedError);
    expect((error as Error).name).toBe("S3RefusedError");
    expect((error as Error).message).toMatch(/^cannot write s3:\/\/no-such-bucket\/k: NoSuchBucket \(HTTP 404\)/);
  });

  it("tells a fault of S3 (retried) from a refusal (the run's end)", () => {
    const answer = (name: string, status: number) =>
      new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: name });
    expect(s3Error("x", answer("AccessDenied", 403))).toBeInstanceOf(S3RefusedError);
    for (const [name, status] of [
      ["InternalError", 500],
      ["SlowDown", 503],
      ["ConditionalRequestConflict", 409],
      ["PreconditionFailed", 412],
      ["NoSuchKey", 404],
    ] as const)
      expect(s3Error("x", answer(name, status)), name).toBeInstanceOf(S3ObjectError);
    expect(s3Error("x", new Error("aborted"))).toBeInstanceOf(S3ObjectError);
  });

  it("fails a work object whose producer's own write S3 refused, rather than taking it as written already", async () => {
    // One pass feeds two objects (a CSV part and its Data quality lines): the inner write is
    // refused with 409 ConditionalRequestConflict every time, after the outer object is complete.
    // That refusal is the inner object's: the outer create must fail, not answer "already there",
    // or a result would name an object that was never written.
    const client = functionsClient(s3);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const { Key: key } = args.input as { Key?: string };
        if (context.commandName === "PutObjectCommand" && key?.endsWith("inner.jsonl"))
          throw new S3ServiceException({
            name: "ConditionalRequestConflict",
            $fault: "client",
            $metadata: { httpStatusCode: 409 },
            message: "conflict",
          });
        return next(args);
      },
      { step: "initialize", name: "refuseInner", priority: "high" },
    );
    const work = s3WorkStore({ client, bucket: s3.bucket }, "work/nested/");
    const error = await work
      .create("outer.csv", async (outer) => {
        await work.create("inner.jsonl", async (inner) => {
          inner.end("line\n");
          outer.end("a,b\n");
        });
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3ObjectError);
    expect((error as Error).message).toMatch(/inner\.jsonl: ConditionalRequestConflict \(HTTP 409\)/);
    // A create refused because its own object is there still answers false.
    expect(await work.create("outer.csv", async (out) => void out.end("again"))).toBe(false);
  });
});
