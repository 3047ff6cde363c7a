export type { EmailSender, LinkSigner } from "./email.ts";
export {
  type FileToWrite,
  type Producer,
  type ReportStore,
  type StagedFile,
  type StoredFile,
  type WorkObject,
  writeFile,
  writeTogether,
} from "./report-store.ts";
export { parseRecord, type RunRecords, RunRecordsError } from "./run-records.ts";
export type { OpenSpool, SessionSpool } from "./spool.ts";
export { hasWorkObject, linesOf, openWorkLines, readWorkText, type WithWorkStore, type WorkStore, WorkStoreError } from "./work-store.ts";
