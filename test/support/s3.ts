import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Client, type S3Location } from "@hems-reports/core/s3";
import S3rver from "s3rver";

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

export interface S3Call {
  command: string;
  key?: string;
  /** CopyObject's source, `bucket/key`. */
  copySource?: string;
}

/**
 * Another production client for the same server, for the code under test: it can record every
 * call (to check them against the deployed role's permissions) and fail chosen PutObjects, or
 * every call of one command (as a network or S3 failure midway would).
 */
export function functionsClient(s3: LocalS3, options: { onCall?: (call: S3Call) => void; failPuts?: RegExp; failCommand?: string } = {}): S3Client {
  const client = createS3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "eu-central-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { Key: key, CopySource: copySource } = args.input as { Key?: string; CopySource?: string };
      options.onCall?.({ command: context.commandName ?? "unknown", ...(key ? { key } : {}), ...(copySource ? { copySource } : {}) });
      if (options.failPuts && context.commandName === "PutObjectCommand" && key && options.failPuts.test(key)) throw new Error("simulated S3 outage");
      if (options.failCommand && context.commandName === options.failCommand) throw new Error("simulated S3 outage");
      return next(args);
    },
    { step: "initialize", name: "testObserver" },
  );
  return client;
}
