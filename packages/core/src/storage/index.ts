export { localFolderStore, OutputFolderError, prepareLocalFolder } from "./local-folder.ts";
export { localWorkStore } from "./local-work-store.ts";
export { measuringStream, produceInto } from "./measure.ts";
export {
  type FileToWrite,
  type Producer,
  type ReportStore,
  type StagedFile,
  type StoredFile,
  type WorkObject,
  writeFile,
  writeTogether,
} from "./port.ts";
export { hasWorkObject, linesOf, openWorkLines, readWorkText, type WorkStore, WorkStoreError } from "./work-store.ts";
export { writeInTurn } from "./write.ts";
