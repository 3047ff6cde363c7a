export { columnLetter, sessionCells, type WorkbookInput, workbookLayout } from "./layout.ts";
export {
  type Cell,
  type CellValue,
  type ChartSpec,
  type ColumnSpec,
  EUR_FORMAT,
  KWH_FORMAT,
  type SheetSpec,
  type StyledCell,
} from "./sheet-spec.ts";
