export { MAX_DATA_ROWS_PER_SHEET, writeWorkbook, zipBackpressure } from "./workbook-writer.ts";
