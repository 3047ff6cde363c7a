export {
  conditionRefused,
  createS3Client,
  deleteObject,
  openObject,
  putObject,
  readObjectText,
  type S3Location,
  S3ObjectError,
  s3Error,
  uploadStream,
} from "./objects.ts";
export { s3ReportStore } from "./report-store.ts";
export { s3RunRecords } from "./run-records.ts";
export { s3WorkStore } from "./work-store.ts";
