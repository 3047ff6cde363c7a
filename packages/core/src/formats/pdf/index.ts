export { summaryPdfBytes, writeSummaryPdf } from "./summary-pdf.ts";
