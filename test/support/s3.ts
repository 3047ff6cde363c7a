import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { createS3Client, type S3Location } from "@hems-reports/core/adapters/aws/s3";
import S3rver from "s3rver";
import { guard, s3Requests } from "./iam.ts";

export interface LocalS3 extends S3Location {
  endpoint: string;
  /** Deletes every object, so each test starts from an empty bucket. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a free loopback port, with the production client pointed at it. */
export async function startLocalS3(bucket = "hems-reports-test"): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "hems-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({
    endpoint,
    forcePathStyle: true,
    region: "eu-central-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    endpoint,
    client,
    bucket,
    async clear() {
      for (;;) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (listed.Contents ?? []).map((object) => object.Key!);
        if (keys.length === 0) return;
        for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      }
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * S3's conditional writes, which s3rver ignores: a `PutObject` or `CompleteMultipartUpload` with
 * `If-None-Match: *` fails with 412 when the key has an object, and one with `If-Match: <ETag>`
 * fails with 412 when the object's ETag differs (404 when there is none), as the S3 documentation
 * describes. Conditional writes to one key are serialized here, and the check and the write happen
 * under that lock, so they are atomic as on S3 (which answers 409 to a conditional write that
 * races another; the code under test treats 409 and 412 alike). s3rver also rewrites a file in
 * place, so a read during a write could see half of it, where S3 shows the old object or the new
 * one: a read of a key waits for a conditional write to it that is under way.
 */
const conditionLocks = new WeakMap<LocalS3, Map<string, Promise<unknown>>>();

function accessDenied(message: string): S3ServiceException {
  return new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message });
}

function preconditionFailed(status: 404 | 412): S3ServiceException {
  return new S3ServiceException({
    name: status === 412 ? "PreconditionFailed" : "NoSuchKey",
    $fault: "client",
    $metadata: { httpStatusCode: status },
    message: status === 412 ? "At least one of the pre-conditions you specified did not hold" : "The specified key does not exist.",
  });
}

async function currentEtag(s3: LocalS3, key: string): Promise<string | undefined> {
  try {
    return (await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).ETag;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
    throw error;
  }
}

async function conditionally<T>(s3: LocalS3, key: string, input: { IfNoneMatch?: string; IfMatch?: string }, write: () => Promise<T>): Promise<T> {
  const locks = conditionLocks.get(s3) ?? new Map<string, Promise<unknown>>();
  conditionLocks.set(s3, locks);
  const before = locks.get(key) ?? Promise.resolve();
  const turn = before
    .catch(() => undefined)
    .then(async () => {
      const etag = await currentEtag(s3, key);
      if (input.IfNoneMatch === "*" && etag !== undefined) throw preconditionFailed(412);
      if (input.IfMatch !== undefined && etag === undefined) throw preconditionFailed(404);
      if (input.IfMatch !== undefined && input.IfMatch !== etag) throw preconditionFailed(412);
      return write();
    });
  locks.set(key, turn);
  return turn;
}

/**
 * Another production client for the same server, for the code under test: it enforces S3's
 * conditional writes (above); with `iam` it evaluates every call against the deployed role's
 * policies (test/support/iam.ts); it can fail chosen PutObjects, or every call of one command (as
 * a network or S3 failure midway would), and send through another endpoint (a fault proxy).
 */
export function functionsClient(
  s3: LocalS3,
  options: {
    failPuts?: RegExp;
    failCommand?: string;
    endpoint?: string;
    /** The client's idle timeout (production: AWS_CLIENT_TIMEOUTS, 60 s), shorter for a fault test's stalled bodies. */
    socketTimeoutMs?: number;
    iam?: { orgId: string };
  } = {},
): S3Client {
  const client = createS3Client({
    endpoint: options.endpoint ?? s3.endpoint,
    ...(options.socketTimeoutMs ? { requestHandler: { connectionTimeout: 5_000, socketTimeout: options.socketTimeoutMs } } : {}),
    forcePathStyle: true,
    region: "eu-central-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  if (options.iam) guard(client, options.iam.orgId, s3Requests, (message) => accessDenied(message));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { Key: key } = args.input as { Key?: string };
      if (options.failPuts && context.commandName === "PutObjectCommand" && key && options.failPuts.test(key)) throw new Error("simulated S3 outage");
      if (options.failCommand && context.commandName === options.failCommand) throw new Error("simulated S3 outage");
      const conditions = args.input as { IfNoneMatch?: string; IfMatch?: string };
      const conditional = ["PutObjectCommand", "CompleteMultipartUploadCommand"].includes(context.commandName ?? "");
      if (conditional && key && (conditions.IfNoneMatch !== undefined || conditions.IfMatch !== undefined)) {
        return conditionally(s3, key, conditions, () => next(args));
      }
      const pending = key ? conditionLocks.get(s3)?.get(key) : undefined;
      if (pending && ["GetObjectCommand", "HeadObjectCommand"].includes(context.commandName ?? "")) await pending.catch(() => undefined);
      return next(args);
    },
    { step: "initialize", name: "testObserver" },
  );
  return client;
}
