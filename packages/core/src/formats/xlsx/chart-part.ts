import type { ChartSpec } from "../../domain/workbook/index.ts";
import { columnLetter } from "../../domain/workbook/index.ts";

/**
 * A chart as the parts of an xlsx package (DrawingML): the chart itself, the drawing that places
 * it on its sheet, and the drawing's relationship to the chart. exceljs writes no charts, so
 * these parts are written beside its output (see `attachChart` in workbook-writer.ts). The
 * series refer to the sheet's cells and carry their values cached, as Excel writes them, so a
 * reader that does not recalculate still draws the chart.
 */
export function chartParts(chart: ChartSpec, sheetName: string) {
  const sheet = `'${sheetName.replace(/'/g, "''")}'`;
  const range = (column: number) =>
    `${sheet}!$${columnLetter(column)}$${chart.firstRow}:$${columnLetter(column)}$${chart.firstRow + chart.categories.length - 1}`;
  const header = (column: number) => `${sheet}!$${columnLetter(column)}$${chart.firstRow - 1}`;
  const text = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const categories = `<c:cat><c:strRef><c:f>${text(range(chart.categoryColumn))}</c:f><c:strCache><c:ptCount val="${chart.categories.length}"/>${chart.categories
    .map((label, index) => `<c:pt idx="${index}"><c:v>${text(label)}</c:v></c:pt>`)
    .join("")}</c:strCache></c:strRef></c:cat>`;
  const series = (index: number, spec: ChartSpec["series"][number]) => {
    const name = `<c:tx><c:strRef><c:f>${text(header(spec.column))}</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>${text(spec.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>`;
    const values = `<c:val><c:numRef><c:f>${text(range(spec.column))}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${spec.values.length}"/>${spec.values
      .map((value, point) => (value === null ? "" : `<c:pt idx="${point}"><c:v>${value}</c:v></c:pt>`))
      .join("")}</c:numCache></c:numRef></c:val>`;
    const colour = `<a:srgbClr val="${spec.colour}"/>`;
    return spec.kind === "bar"
      ? `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>${name}<c:spPr><a:solidFill>${colour}</a:solidFill></c:spPr><c:invertIfNegative val="0"/>${categories}${values}</c:ser>`
      : `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>${name}<c:spPr><a:ln w="28575"><a:solidFill>${colour}</a:solidFill></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="6"/><c:spPr><a:solidFill>${colour}</a:solidFill></c:spPr></c:marker>${categories}${values}<c:smooth val="0"/></c:ser>`;
  };
  const axisTitle = (title: string) =>
    `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>${text(title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`;
  const [bars, line] = [chart.series.findIndex((spec) => spec.kind === "bar"), chart.series.findIndex((spec) => spec.kind === "line")];
  // Bars start at zero, unless a month is below it (negative savings), which must show.
  const fromZero = (spec: ChartSpec["series"][number]) => (spec.values.some((value) => value !== null && value < 0) ? "" : '<c:min val="0"/>');
  const barSpec = chart.series[bars]!;
  const lineSpec = chart.series[line]!;
  const chartXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>${text(chart.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series(bars, barSpec)}<c:gapWidth val="80"/><c:axId val="101"/><c:axId val="102"/></c:barChart><c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${series(line, lineSpec)}<c:marker val="1"/><c:axId val="103"/><c:axId val="104"/></c:lineChart><c:catAx><c:axId val="101"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="102"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="102"/><c:scaling><c:orientation val="minMax"/>${fromZero(barSpec)}</c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>${axisTitle(barSpec.axisTitle)}<c:numFmt formatCode="#,##0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="101"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx><c:catAx><c:axId val="103"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="1"/><c:axPos val="b"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="104"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="104"/><c:scaling><c:orientation val="minMax"/>${fromZero(lineSpec)}</c:scaling><c:delete val="0"/><c:axPos val="r"/>${axisTitle(lineSpec.axisTitle)}<c:numFmt formatCode="#,##0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="103"/><c:crosses val="max"/><c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`;
  const { from, to } = chart.anchor;
  const drawingXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor><xdr:from><xdr:col>${from.column}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${from.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>${to.column}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${to.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="${text(chart.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`;
  return { chartXml, drawingXml };
}

export const DRAWING_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing";
const CHART_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart";

/** The drawing's relationship to its chart. */
export const drawingRels = (chartNumber: number) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${CHART_RELATIONSHIP}" Target="../charts/chart${chartNumber}.xml"/></Relationships>`;

/** The package's content types for a drawing and its chart. */
export const chartContentTypes = (number: number) =>
  `<Override PartName="/xl/drawings/drawing${number}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>` +
  `<Override PartName="/xl/charts/chart${number}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`;
