import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3Client, type S3Location } from "@hems-reports/core/storage";

export interface LocalS3 extends S3Location {
  endpoint: string;
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
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
