export { localFolderStore, OutputFolderError, prepareLocalFolder } from "./local-folder.ts";
