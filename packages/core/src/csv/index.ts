export { MAX_CSV_ROWS_PER_PART, SESSION_CSV_COLUMNS, sessionCsvFileNames, sessionCsvRows, writeSessionsCsvPart } from "./sessions-csv.ts";
