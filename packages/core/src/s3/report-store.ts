import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Producer, ReportStore, StagedFile } from "../storage/index.ts";
import { measuringStream, produceInto, WorkStoreError } from "../storage/index.ts";

/**
 * The S3 client every shell uses; only `endpoint` differs in tests (a local S3-protocol server).
 * Checksums are sent only where S3 requires them, so stream and buffer bodies go through any
 * S3-compatible server unchanged; each upload carries its own SHA-256 instead (see `putObject`).
 */
export function createS3Client(overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...overrides,
  });
}

export interface S3Location {
  client: S3Client;
  bucket: string;
}

export class S3ObjectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "S3ObjectError";
  }
}

const url = (bucket: string, key: string) => `s3://${bucket}/${key}`;

/** An object's text, or `undefined` when there is no such object. */
export async function readObjectText({ client, bucket }: S3Location, key: string): Promise<string | undefined> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await answer.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw new S3ObjectError(`cannot read ${url(bucket, key)}: ${describe(error)}`, { cause: error });
  }
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

/** An object's bytes as a stream, or `undefined` when there is no such object. */
export async function openObject({ client, bucket }: S3Location, key: string): Promise<Readable | undefined> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return answer.Body as Readable;
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw new S3ObjectError(`cannot read ${url(bucket, key)}: ${describe(error)}`, { cause: error });
  }
}

/** Writes one object whole (S3 makes it visible all at once); answers its version when the bucket keeps versions. */
export async function putObject(
  { client, bucket }: S3Location,
  key: string,
  body: Buffer,
  contentType: string,
  sha256Base64?: string,
): Promise<{ versionId?: string }> {
  try {
    const answer = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ...(sha256Base64 ? { ChecksumSHA256: sha256Base64 } : {}),
      }),
    );
    return answer.VersionId ? { versionId: answer.VersionId } : {};
  } catch (error) {
    throw new S3ObjectError(`cannot write ${url(bucket, key)}: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? "?"})`;
  return error instanceof Error ? error.message : String(error);
}

/** Staged files wait here until commit; the bucket's lifecycle removes any a crashed run left behind. */
export const STAGING_PREFIX = "staging/";

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
): Promise<{ bytes: number; sha256: string }> {
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
  const producing: Producer = async (out) => {
    try {
      await produce(out);
    } catch (error) {
      producerError = error;
      throw error;
    }
  };
  try {
    await produceInto(measure, producing, uploaded);
  } catch (error) {
    await upload.abort().catch(() => undefined);
    if (producerError !== undefined && !(uploadError !== undefined && isStreamTeardown(producerError))) throw producerError;
    const cause = uploadError ?? error;
    throw new S3ObjectError(`cannot write ${url(bucket, key)}: ${describe(cause)}`, { cause });
  }
  return { bytes: measure.bytes(), sha256: measure.sha256() };
}

export async function deleteObject({ client, bucket }: S3Location, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    throw new S3ObjectError(`cannot delete ${url(bucket, key)}: ${describe(error)}`, { cause: error });
  }
}

/**
 * Report files under a key prefix. Each file is streamed (multipart) to a staging key while it is
 * produced, and copied to its name on commit, so a failure midway leaves no partial object under
 * a report's name and no file is ever held whole in memory. One copy request takes objects up to
 * 5 GB; a report file stays far below (a CSV part of 1,000,000 sessions is about 250 MB).
 */
export function s3ReportStore(location: S3Location, prefix: string): ReportStore {
  const { client, bucket } = location;
  /** A file whose bytes wait at `sourceKey`: on commit, copied to its name within the bucket. */
  const staged = (name: string, contentType: string, sourceKey: string, measure: { bytes: number; sha256: string }, owned: boolean): StagedFile => {
    const key = `${prefix}${name}`;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error(`${name} was already committed or discarded`);
      settled = true;
    };
    return {
      name,
      async commit() {
        settle();
        let versionId: string | undefined;
        try {
          const answer = await client.send(
            new CopyObjectCommand({
              Bucket: bucket,
              Key: key,
              CopySource: `${bucket}/${sourceKey.split("/").map(encodeURIComponent).join("/")}`,
              ContentType: contentType,
              MetadataDirective: "REPLACE",
            }),
          );
          versionId = answer.VersionId;
        } catch (error) {
          throw new S3ObjectError(`cannot write ${url(bucket, key)}: ${describe(error)}`, { cause: error });
        }
        if (owned) await deleteObject(location, sourceKey).catch(() => undefined);
        return { name, location: url(bucket, key), contentType, ...measure, key, ...(versionId ? { versionId } : {}) };
      },
      async discard() {
        settle();
        if (owned) await deleteObject(location, sourceKey);
      },
    };
  };
  return {
    async stage(name, contentType, produce) {
      const stagingKey = `${STAGING_PREFIX}${randomUUID()}/${name}`;
      return staged(name, contentType, stagingKey, await uploadStream(location, stagingKey, contentType, produce), true);
    },
    /**
     * A work object of this bucket is itself the staged file (work objects never change, and the
     * lifecycle removes them): no bytes pass through this function. Its measure is the one its
     * step took while writing it.
     */
    async adopt(name, contentType, object) {
      const source = object.store.locate(object.key);
      const own = url(bucket, "");
      if (!source.startsWith(own)) throw new S3ObjectError(`cannot take ${source} into ${own}: a report store copies only within its bucket`);
      const sourceKey = source.slice(own.length);
      let length: number | undefined;
      try {
        length = (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: sourceKey }))).ContentLength;
      } catch (error) {
        if (isMissingObject(error)) throw new WorkStoreError(`${source} is missing: a finished step named it`, { cause: error });
        throw new S3ObjectError(`cannot read ${source}: ${describe(error)}`, { cause: error });
      }
      if (length !== object.bytes)
        throw new WorkStoreError(`${source} holds ${length} bytes, not the ${object.bytes} its step wrote: it was damaged`);
      return staged(name, contentType, sourceKey, { bytes: object.bytes, sha256: object.sha256 }, false);
    },
  };
}
