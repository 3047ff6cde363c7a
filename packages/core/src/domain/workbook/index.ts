export {
  type Cell,
  type CellValue,
  type ChartSpec,
  type ColumnSpec,
  columnLetter,
  EUR_FORMAT,
  KWH_FORMAT,
  type SheetSpec,
  type StyledCell,
  sessionCells,
  type WorkbookInput,
  workbookLayout,
} from "./layout.ts";
