import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import type { WorkStore } from "../../../ports/index.ts";
import { conditionRefused, headObject, openObject, type S3Location, s3Error, uploadStream } from "./objects.ts";

/**
 * A run's work objects under a key prefix of the bucket. An object is created with
 * `If-None-Match: *`, so S3 itself refuses a second creation (412; 409 while another is under
 * way, which counts as created only once that one is there); a look first answers the common case without uploading at all (and keeps the rule on
 * S3-protocol servers that ignore the condition, like the one the tests use).
 */
export function s3WorkStore(location: S3Location, prefix: string): WorkStore {
  const { client, bucket } = location;
  const url = (key: string) => `s3://${bucket}/${prefix}${key}`;
  const exists = async (key: string) => (await headObject(location, `${prefix}${key}`)) !== undefined;
  return {
    locate: url,
    async create(key, produce) {
      if (await exists(key)) return false;
      try {
        await uploadStream(location, `${prefix}${key}`, "application/octet-stream", produce, { ifNoneMatch: "*" });
        return true;
      } catch (error) {
        // 412: it exists. 409: another creation was under way; it exists only if that one finished.
        if (conditionRefused(error, `${prefix}${key}`) && (await exists(key))) return false;
        throw error;
      }
    },
    async *list(keyPrefix) {
      let token: string | undefined;
      do {
        let answer: ListObjectsV2CommandOutput;
        try {
          answer = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${keyPrefix}`, ContinuationToken: token }));
        } catch (error) {
          throw s3Error(`cannot list ${url(keyPrefix)}: ${(error as Error).name}`, error);
        }
        for (const object of answer.Contents ?? []) if (object.Key) yield object.Key.slice(prefix.length);
        token = answer.IsTruncated ? answer.NextContinuationToken : undefined;
      } while (token);
    },
    open: (key) => openObject(location, `${prefix}${key}`),
  };
}
