export { drawable, summaryPdfBytes, writeSummaryPdf } from "./summary-pdf.ts";
