import { CopyObjectCommand } from "@aws-sdk/client-s3";
import type { ReportStore, StagedFile } from "../../../ports/index.ts";
import { WorkStoreError } from "../../../ports/index.ts";
import { conditionRefused, describe, headObject, measureStored, type S3Location, S3ObjectError, s3Error, uploadStream, url } from "./objects.ts";

/**
 * A run's report files under its own key prefix, each written once and never replaced: streamed
 * (multipart) straight to its name with `If-None-Match: *`, so S3 itself refuses a second write,
 * and nothing is visible until the upload completes whole. A file that is already there was
 * written by an earlier attempt of the same run's step, from the same work objects: it is kept,
 * and measured as stored, rather than produced again. Nothing names a run's files until its
 * manifest does, so a file written by an attempt that failed later is harmless.
 */
export function s3ReportStore(location: S3Location, prefix: string): ReportStore {
  const { bucket } = location;
  const stored = (name: string, contentType: string, measure: { bytes: number; sha256: string; versionId?: string }): StagedFile => {
    const key = `${prefix}${name}`;
    const file = { name, location: url(bucket, key), contentType, key, ...measure };
    return { name, commit: async () => file, discard: async () => undefined };
  };
  return {
    async stage(name, contentType, produce) {
      const key = `${prefix}${name}`;
      if (await headObject(location, key)) return stored(name, contentType, await measureStored(location, key));
      try {
        return stored(name, contentType, await uploadStream(location, key, contentType, produce, { ifNoneMatch: "*" }));
      } catch (error) {
        // Another attempt of this run's step wrote it meanwhile: that one is the file.
        if (conditionRefused(error, key)) return stored(name, contentType, await measureStored(location, key));
        throw error;
      }
    },
    /**
     * A work object of this bucket is copied to the file's name within the bucket: no bytes pass
     * through this function. Its measure is the one its step took while writing it. (S3 takes no
     * `If-None-Match` on a copy; the name is this run's own, and one already there is kept.)
     */
    async adopt(name, contentType, object) {
      const key = `${prefix}${name}`;
      const source = object.store.locate(object.key);
      const own = url(bucket, "");
      if (!source.startsWith(own)) throw new S3ObjectError(`cannot take ${source} into ${own}: a report store copies only within its bucket`);
      const sourceKey = source.slice(own.length);
      const measure = { bytes: object.bytes, sha256: object.sha256 };
      const existing = await headObject(location, key);
      if (existing) {
        if (existing.bytes !== object.bytes)
          throw new WorkStoreError(`${url(bucket, key)} holds ${existing.bytes} bytes, not the ${object.bytes} of ${source}`);
        return stored(name, contentType, { ...measure, ...(existing.versionId ? { versionId: existing.versionId } : {}) });
      }
      const length = (await headObject(location, sourceKey))?.bytes;
      if (length === undefined) throw new WorkStoreError(`${source} is missing: a finished step named it`);
      if (length !== object.bytes)
        throw new WorkStoreError(`${source} holds ${length} bytes, not the ${object.bytes} its step wrote: it was damaged`);
      let versionId: string | undefined;
      try {
        const answer = await location.client.send(
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
        throw s3Error(`cannot write ${url(bucket, key)}: ${describe(error)}`, error);
      }
      return stored(name, contentType, { ...measure, ...(versionId ? { versionId } : {}) });
    },
  };
}
