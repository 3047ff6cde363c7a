export { MAX_CSV_ROWS_PER_PART, SESSION_CSV_COLUMNS, sessionCsvFileNames } from "./detail-layout.ts";
export { sessionCsvRows, writeSessionsCsvPart } from "./sessions-csv.ts";
