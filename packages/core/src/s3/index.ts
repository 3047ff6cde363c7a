export { createS3Client, putObject, readObjectText, type S3Location, S3ObjectError, s3ReportStore } from "./report-store.ts";
