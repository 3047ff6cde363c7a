export { type HeadlineRow, monthName, OUTCOME_NAMES, type SummaryPage, type SummaryPageInput, summaryPage, type TrendPoint } from "./summary-page.ts";
