import { finished } from "node:stream/promises";
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig, S3ServiceException } from "@aws-sdk/client-s3";
import type { Producer, ReportStore, StagedFile } from "../storage/index.ts";
import { measuringStream, produceInto } from "../storage/index.ts";

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
  constructor(message: string) {
    super(message);
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
    if (error instanceof S3ServiceException && (error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404)) return undefined;
    throw new S3ObjectError(`cannot read ${url(bucket, key)}: ${describe(error)}`);
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
    throw new S3ObjectError(`cannot write ${url(bucket, key)}: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? "?"})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Report files under a key prefix. A file is produced into memory and put in one request on
 * commit, so a failure midway leaves no partial object; S3 checks the upload against its SHA-256.
 */
export function s3ReportStore(location: S3Location, prefix: string): ReportStore {
  return {
    async stage(name: string, contentType: string, produce: Producer): Promise<StagedFile> {
      const measure = measuringStream();
      const chunks: Buffer[] = [];
      measure.on("data", (chunk: Buffer) => chunks.push(chunk));
      // `finished` also rejects on a premature close, so a producer that breaks the stream is never awaited forever.
      await produceInto(measure, produce, finished(measure));
      let body: Buffer | undefined = Buffer.concat(chunks);
      const sha256 = measure.sha256();
      const key = `${prefix}${name}`;
      return {
        name,
        async commit() {
          if (!body) throw new Error(`${name} was already committed or discarded`);
          const bytes = body.length;
          const { versionId } = await putObject(location, key, body, contentType, Buffer.from(sha256, "hex").toString("base64"));
          body = undefined;
          return { name, location: url(location.bucket, key), contentType, bytes, sha256, key, ...(versionId ? { versionId } : {}) };
        },
        async discard() {
          body = undefined;
        },
      };
    },
  };
}
