import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Producer } from "../../../ports/index.ts";
import { S3RefusedError } from "../../../shared/errors/index.ts";
import { measuringStream, produceInto } from "../../../shared/streams/index.ts";
import { AWS_CLIENT_TIMEOUTS } from "../clients/index.ts";

/** Attempts of one S3 request (the SDK's standard retries, with backoff): 500s and 503 SlowDown are worth more than its default 3. */
export const S3_MAX_ATTEMPTS = 5;
/** Attempts of a conditional write that S3 answers 409 ConditionalRequestConflict (another conditional write to the key was under way): S3 says retry. */
export const CONFLICT_ATTEMPTS = 5;

/**
 * The S3 client every shell uses; only `endpoint` differs in tests (a local S3-protocol server).
 * Checksums are sent only where S3 requires them, so stream and buffer bodies go through any
 * S3-compatible server unchanged; each upload carries its own SHA-256 instead (see `putObject`).
 */
export function createS3Client(overrides: Partial<S3ClientConfig> = {}): S3Client {
  const client = new S3Client({
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: S3_MAX_ATTEMPTS,
    ...AWS_CLIENT_TIMEOUTS,
    ...overrides,
  });
  // The SDK does not retry a 409; S3 answers it to a conditional PutObject that raced another, and
  // asks for a retry (the body retried is a buffer). A multipart completion refused with 409 must
  // start its upload again (S3's CompleteMultipartUpload reference): that one fails, and its step
  // is retried.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IfNoneMatch?: string; IfMatch?: string };
      const conditional = input.IfNoneMatch !== undefined || input.IfMatch !== undefined;
      if (!conditional || context.commandName !== "PutObjectCommand") return next(args);
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(args);
        } catch (error) {
          const conflict =
            error instanceof S3ServiceException && (error.name === "ConditionalRequestConflict" || error.$metadata.httpStatusCode === 409);
          if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
          await sleep(Math.random() * 50 * 2 ** attempt);
        }
      }
    },
    { step: "initialize", name: "retryConditionalConflicts" },
  );
  return client;
}

export interface S3Location {
  client: S3Client;
  bucket: string;
}

export class S3ObjectError extends Error {
  /** The object whose request failed, where one did: a refused condition is that object's, not one a producer wrote. */
  readonly key?: string;
  constructor(message: string, options?: ErrorOptions & { key?: string }) {
    super(message, options);
    this.name = "S3ObjectError";
    if (options?.key !== undefined) this.key = options.key;
  }
}

export const url = (bucket: string, key: string) => `s3://${bucket}/${key}`;

/** How often a read goes on after its body broke off midway, from where it stopped. */
export const BODY_RESUMES = 4;

/**
 * An object's body, read to its end even when the connection drops midway: the SDK retries
 * requests, not bodies (aws-sdk-js-v3 issue 4897), so a body that breaks off is asked for again
 * from the byte where it stopped (`Range`), of the same object (`If-Match` on its ETag). A body
 * that cannot be finished is an S3ObjectError, which the workflow retries.
 */
function resumableBody({ client, bucket }: S3Location, key: string, first: GetObjectCommandOutput): Readable {
  const length = first.ContentLength;
  let body = first.Body as Readable | undefined;
  async function* chunks() {
    let received = 0;
    for (let resumes = 0; ; resumes++) {
      // Only the body's own errors resume the read: the yield stays outside the try, so a reader
      // that stops with an error of its own ends the read, and asks for nothing more.
      const reading = (body as AsyncIterable<Buffer> | undefined)?.[Symbol.asyncIterator]();
      let broke: unknown;
      while (reading) {
        let next: IteratorResult<Buffer>;
        try {
          next = await reading.next();
        } catch (error) {
          broke = error;
          break;
        }
        if (next.done) break;
        received += next.value.length;
        yield next.value;
      }
      if (broke === undefined) {
        if (length !== undefined && received !== length)
          throw new S3ObjectError(`cannot read ${url(bucket, key)}: its body ended after ${received} of its ${length} bytes`);
        return;
      }
      if (length !== undefined && received >= length) return;
      if (resumes >= BODY_RESUMES)
        throw new S3ObjectError(`cannot read ${url(bucket, key)}: its body broke off ${resumes + 1} times (after ${received} bytes)`, {
          cause: broke,
        });
      body?.destroy();
      let rest: GetObjectCommandOutput;
      try {
        rest = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${received}-`, ...(first.ETag ? { IfMatch: first.ETag } : {}) }),
        );
      } catch (resumeError) {
        throw s3Error(`cannot read ${url(bucket, key)} on from byte ${received}: ${describe(resumeError)}`, resumeError);
      }
      // A server that ignored the range would send the object again from its start.
      if (rest.$metadata.httpStatusCode !== 206 || !rest.ContentRange?.startsWith(`bytes ${received}-`)) {
        (rest.Body as Readable | undefined)?.destroy();
        throw new S3ObjectError(
          `cannot read ${url(bucket, key)} on from byte ${received}: the answer is not that range (${rest.ContentRange ?? `HTTP ${rest.$metadata.httpStatusCode}`})`,
        );
      }
      body = rest.Body as Readable;
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  // A reader that stops early (or never starts: an existence check) must still free the body's socket.
  stream.once("close", () => body?.destroy());
  return stream;
}

/** The whole body, resumed where it breaks off. */
async function bodyBytes(location: S3Location, key: string, answer: GetObjectCommandOutput): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of resumableBody(location, key, answer)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A GetObject of `key`, with the SDK's retries; undefined when there is no such object. */
export async function getObject(location: S3Location, key: string): Promise<GetObjectCommandOutput | undefined> {
  const { client, bucket } = location;
  try {
    return await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw s3Error(`cannot read ${url(bucket, key)}: ${describe(error)}`, error);
  }
}

/** An object's text, or `undefined` when there is no such object. */
export async function readObjectText(location: S3Location, key: string): Promise<string | undefined> {
  return (await readObjectTagged(location, key))?.text;
}

/** An object's text and ETag (its version tag, for a conditional replace), or `undefined` when there is no such object. */
export async function readObjectTagged(location: S3Location, key: string): Promise<{ text: string; etag: string } | undefined> {
  const answer = await getObject(location, key);
  if (!answer) return undefined;
  return { text: (await bodyBytes(location, key, answer)).toString("utf8"), etag: answer.ETag ?? "" };
}

/** S3's answer for an object (or bucket listing) that is not there. */
export function isMissingObject(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404);
}

/** An error a stream raises because it was torn down under its writer, saying nothing of why. */
function isStreamTeardown(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    error instanceof Error &&
    (error.name === "AbortError" || code === "ABORT_ERR" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_PREMATURE_CLOSE")
  );
}

/** An object's bytes as a stream (resumed where its body breaks off), or `undefined` when there is no such object. */
export async function openObject(location: S3Location, key: string): Promise<Readable | undefined> {
  const answer = await getObject(location, key);
  return answer && resumableBody(location, key, answer);
}

/**
 * Writes one object whole (S3 makes it visible all at once); answers its version when the bucket
 * keeps versions. `condition` makes it a conditional write: `ifMatch` replaces only the object
 * with that ETag, `ifNoneMatch: "*"` creates only a new one (a refusal is `conditionRefused`).
 */
export async function putObject(
  { client, bucket }: S3Location,
  key: string,
  body: Buffer,
  contentType: string,
  sha256Base64?: string,
  condition: { ifMatch?: string; ifNoneMatch?: "*" } = {},
): Promise<{ versionId?: string }> {
  try {
    const answer = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...(sha256Base64 ? { ChecksumSHA256: sha256Base64 } : {}),
        ...(condition.ifMatch ? { IfMatch: condition.ifMatch } : {}),
        ...(condition.ifNoneMatch ? { IfNoneMatch: condition.ifNoneMatch } : {}),
      }),
    );
    return answer.VersionId ? { versionId: answer.VersionId } : {};
  } catch (error) {
    throw s3Error(`cannot write ${url(bucket, key)}: ${describe(error)}`, error, key);
  }
}

/** S3's answers that no retry changes: the role may not, the bucket is not there, the request is wrong. */
const REFUSALS = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "NoSuchBucket",
  "InvalidBucketName",
  "InvalidArgument",
  "InvalidRequest",
  "InvalidAccessKeyId",
]);

/**
 * The error of a failed S3 call: a refusal (403, a missing bucket, a wrong request) ends the run
 * with its reason (S3RefusedError, fatal); anything else (500s, throttling, timeouts, a broken
 * connection, 404s of objects between steps, 409/412 of conditions) is an S3ObjectError, which
 * the workflow retries.
 */
export function s3Error(message: string, error: unknown, key?: string): Error {
  const refused =
    error instanceof S3ServiceException &&
    (REFUSALS.has(error.name) || error.$metadata.httpStatusCode === 401 || error.$metadata.httpStatusCode === 403);
  return refused
    ? new S3RefusedError(message, { cause: error })
    : new S3ObjectError(message, { cause: error, ...(key === undefined ? {} : { key }) });
}

export function describe(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? "?"})`;
  return error instanceof Error ? error.message : String(error);
}

/** Parts of 8 MiB, two uploading at once: memory stays at a few parts whatever the file's size. */
const PART_BYTES = 8 * 2 ** 20;
const PARTS_AT_ONCE = 2;

/** Streams `body` to `key` with multipart uploads (`@aws-sdk/lib-storage`); nothing holds the whole object. */
export async function uploadStream(
  { client, bucket }: S3Location,
  key: string,
  contentType: string,
  produce: Producer,
  extra: { ifNoneMatch?: "*" } = {},
): Promise<{ bytes: number; sha256: string; versionId?: string }> {
  const measure = measuringStream();
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: measure, ContentType: contentType, ...(extra.ifNoneMatch ? { IfNoneMatch: extra.ifNoneMatch } : {}) },
    partSize: PART_BYTES,
    queueSize: PARTS_AT_ONCE,
    leavePartsOnError: false,
  });
  // When a part fails, the producer's next write fails only with an abort that names nothing:
  // then the upload's own error says what went wrong. Any other producer error is the producer's.
  let uploadError: unknown;
  let producerError: unknown;
  const uploaded = upload.done().catch((error: unknown) => {
    uploadError ??= error;
    throw error;
  });
  let versionId: string | undefined;
  const producing: Producer = async (out) => {
    try {
      await produce(out);
    } catch (error) {
      producerError = error;
      throw error;
    }
  };
  try {
    await produceInto(
      measure,
      producing,
      uploaded.then((answer) => {
        versionId = answer.VersionId;
      }),
    );
  } catch (error) {
    await upload.abort().catch(() => undefined);
    if (producerError !== undefined && !(uploadError !== undefined && isStreamTeardown(producerError))) throw producerError;
    const cause = uploadError ?? error;
    throw s3Error(`cannot write ${url(bucket, key)}: ${describe(cause)}`, cause, key);
  }
  return { bytes: measure.bytes(), sha256: measure.sha256(), ...(versionId ? { versionId } : {}) };
}

/**
 * S3 refused the conditional write of `key`: 412 (the condition does not hold), 409 (another
 * conditional write to the key was under way). A refusal of another object's write (one that a
 * producer made while this one streamed, and let through) says nothing of `key`.
 */
export const conditionRefused = (error: unknown, key: string) =>
  error instanceof S3ObjectError &&
  error.key === key &&
  error.cause instanceof S3ServiceException &&
  [409, 412].includes(error.cause.$metadata.httpStatusCode ?? 0);

export async function deleteObject({ client, bucket }: S3Location, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    throw s3Error(`cannot delete ${url(bucket, key)}: ${describe(error)}`, error);
  }
}

/** An object's size and version, or undefined when there is none. */
export async function headObject({ client, bucket }: S3Location, key: string): Promise<{ bytes: number; versionId?: string } | undefined> {
  try {
    const answer = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { bytes: answer.ContentLength ?? 0, ...(answer.VersionId ? { versionId: answer.VersionId } : {}) };
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw s3Error(`cannot read ${url(bucket, key)}: ${describe(error)}`, error);
  }
}

/** The size and SHA-256 of an object as stored, read back whole (streamed). */
export async function measureStored(location: S3Location, key: string): Promise<{ bytes: number; sha256: string; versionId?: string }> {
  const { bucket } = location;
  const answer = await getObject(location, key);
  if (!answer) throw new S3ObjectError(`cannot read ${url(bucket, key)}: it is not there`);
  const measure = measuringStream();
  measure.resume();
  await pipeline(resumableBody(location, key, answer), measure);
  return { bytes: measure.bytes(), sha256: measure.sha256(), ...(answer.VersionId ? { versionId: answer.VersionId } : {}) };
}
