import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import PDFDocument from "pdfkit";
import type { SummaryPage, TrendPoint } from "../../domain/summary-page/index.ts";

/** A4 portrait in points, and the margins: the summary is one page, printed as it is. */
const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const INK = "#1f2933";
const MUTED = "#5f6b7a";
const SAVINGS_COLOUR = "#2f6f4f";
const ENERGY_COLOUR = "#c27c0e";
/** INCOMPLETE: dark red on light red, as in the workbook; it prints grey in black and white. */
const ALERT = { fill: "#ffc7ce", text: "#9c0006" };
const OK = { fill: "#e3efe6", text: "#1e4d33" };

type Doc = PDFKit.PDFDocument;

/** The characters besides Latin-1 that Windows-1252, the standard fonts' encoding, has. */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const NEAREST: Record<string, string> = { ł: "l", Ł: "L", đ: "d", Đ: "D", ı: "i", ħ: "h", Ħ: "H", ŧ: "t", Ŧ: "T" };

/**
 * Text as pdfkit's standard fonts can draw it (Windows-1252): a letter outside it is written as
 * its base letter ("Łódź" as "Lódz", "Škoda" stays), anything else as "?", never as the garbled
 * glyphs the font would otherwise show. An organisation's name in another script needs an
 * embedded Unicode font, which this summary does not carry yet.
 */
export function drawable(text: string): string {
  let out = "";
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code < 0x100 || WIN_ANSI_EXTRA.has(character)) {
      out += character;
      continue;
    }
    const base = NEAREST[character] ?? character.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    out += [...base].every((part) => part.codePointAt(0)! < 0x100 || WIN_ANSI_EXTRA.has(part)) && base !== "" ? base : "?";
  }
  return out;
}

/**
 * The one-page PDF summary: title, state, the headline beside last month's, the trend chart of
 * savings and energy, the outcomes, the caveats and the money statement. Drawn with pdfkit's
 * standard fonts (nothing to install, nothing read from disk), and dated with the report's own
 * time, so the same report gives the same bytes.
 */
export async function writeSummaryPdf(content: SummaryPage, out: Writable): Promise<void> {
  const page = drawablePage(content);
  const created = new Date(page.generatedAt);
  const doc = new PDFDocument({
    size: "A4",
    margin: PAGE.margin,
    autoFirstPage: true,
    info: { Title: page.title, Author: "hems-reports", Creator: "hems-reports", Producer: "hems-reports", CreationDate: created, ModDate: created },
  });
  const written = pipeline(doc, out);
  doc.fillColor(INK);
  title(doc, page);
  headline(doc, page);
  chart(doc, page.trend);
  outcomes(doc, page);
  notes(doc, page);
  doc
    .font("Helvetica")
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(page.footer, PAGE.margin, PAGE.height - PAGE.margin - 20, { width: CONTENT_WIDTH, lineBreak: true });
  doc.end();
  await written;
}

/** Every text of the page as the standard fonts can draw it (see `drawable`). */
function drawablePage(page: SummaryPage): SummaryPage {
  const text = (value: string) => drawable(value);
  const maybe = (value: string | null) => (value === null ? null : drawable(value));
  return {
    ...page,
    title: text(page.title),
    state: text(page.state),
    period: text(page.period),
    previousMonth: maybe(page.previousMonth),
    headline: page.headline.map((row) => ({
      label: text(row.label),
      value: text(row.value),
      previous: maybe(row.previous),
      change: maybe(row.change),
    })),
    trend: page.trend.map((point) => ({ ...point, label: text(point.label) })),
    outcomes: page.outcomes.map((outcome) => ({ name: text(outcome.name), sessions: text(outcome.sessions), share: text(outcome.share) })),
    caveats: page.caveats.map(text),
    money: text(page.money),
    footer: text(page.footer),
  };
}

/** The summary's bytes, for an email attachment as well as the file. */
export async function summaryPdfBytes(page: SummaryPage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await writeSummaryPdf(
    page,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}

function title(doc: Doc, page: SummaryPage) {
  doc.font("Helvetica-Bold").fontSize(16).fillColor(INK).text(page.title, PAGE.margin, PAGE.margin, { width: CONTENT_WIDTH });
  doc.moveDown(0.4);
  const colours = page.complete ? OK : ALERT;
  const top = doc.y;
  const height =
    doc
      .font("Helvetica-Bold")
      .fontSize(10)
      .heightOfString(page.state, { width: CONTENT_WIDTH - 16 }) + 10;
  doc.rect(PAGE.margin, top, CONTENT_WIDTH, height).fill(colours.fill);
  doc.fillColor(colours.text).text(page.state, PAGE.margin + 8, top + 5, { width: CONTENT_WIDTH - 16 });
  doc.y = top + height + 6;
  doc.font("Helvetica").fontSize(8.5).fillColor(MUTED).text(page.period, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.8);
}

/** Columns of a table: left edge and width; the first is the label, the others right-aligned figures. */
function table(doc: Doc, header: string[], rows: string[][], widths: number[], options: { size?: number } = {}) {
  const size = options.size ?? 10;
  let x = PAGE.margin;
  const lefts = widths.map((width) => {
    const left = x;
    x += width;
    return left;
  });
  const line = (cells: string[], font: string, colour: string) => {
    const top = doc.y;
    doc.font(font).fontSize(size).fillColor(colour);
    cells.forEach((cell, index) => {
      doc.text(cell, lefts[index]!, top, { width: widths[index]! - 6, align: index === 0 ? "left" : "right", lineBreak: false });
    });
    doc.y = top + size * 1.45;
  };
  line(header, "Helvetica-Bold", INK);
  doc
    .moveTo(PAGE.margin, doc.y - 3)
    .lineTo(PAGE.margin + CONTENT_WIDTH, doc.y - 3)
    .lineWidth(0.5)
    .strokeColor(MUTED)
    .stroke();
  for (const row of rows) line(row, "Helvetica", INK);
  doc.moveDown(0.6);
}

function headline(doc: Doc, page: SummaryPage) {
  const previous = page.previousMonth ?? "Last month";
  const rows = page.headline.map((row) => [row.label, row.value, row.previous ?? "no report", row.change ?? ""]);
  table(doc, ["", "This month", previous, "Change"], rows, [135, 120, 120, CONTENT_WIDTH - 375], { size: 10.5 });
}

/** Savings as bars (left axis, EUR) and energy from solar as a line (right axis, kWh), one point a month. */
function chart(doc: Doc, trend: readonly TrendPoint[]) {
  doc.font("Helvetica-Bold").fontSize(11).fillColor(INK).text("Savings and energy from solar by month", PAGE.margin, doc.y);
  doc.moveDown(0.3);
  const box = { left: PAGE.margin + 52, top: doc.y + 4, width: CONTENT_WIDTH - 104, height: 150 };
  const bottom = box.top + box.height;
  const savingsRange = axisRange(trend.map((point) => point.savingsEur));
  const energyRange = axisRange(trend.map((point) => point.energyFromSolarKwh));
  const yOf = (value: number, range: AxisRange) => bottom - (box.height * (value - range.low)) / (range.high - range.low);
  // Gridlines and both axes' labels, in quarters.
  doc.font("Helvetica").fontSize(7).lineWidth(0.3);
  for (let step = 0; step <= 4; step++) {
    const y = bottom - (box.height * step) / 4;
    doc
      .moveTo(box.left, y)
      .lineTo(box.left + box.width, y)
      .strokeColor("#d5dae0")
      .stroke();
    const at = (range: AxisRange) => range.low + ((range.high - range.low) * step) / 4;
    doc.fillColor(SAVINGS_COLOUR).text(axisLabel(at(savingsRange)), PAGE.margin, y - 3, { width: 48, align: "right", lineBreak: false });
    doc.fillColor(ENERGY_COLOUR).text(axisLabel(at(energyRange)), box.left + box.width + 4, y - 3, { width: 48, lineBreak: false });
  }
  doc.fillColor(SAVINGS_COLOUR).text("EUR", PAGE.margin, box.top - 12, { width: 48, align: "right", lineBreak: false });
  doc.fillColor(ENERGY_COLOUR).text("kWh", box.left + box.width + 4, box.top - 12, { width: 48, lineBreak: false });
  const slot = box.width / Math.max(trend.length, 1);
  const barWidth = Math.min(28, slot * 0.6);
  const zero = yOf(0, savingsRange);
  trend.forEach((point, index) => {
    const centre = box.left + slot * (index + 0.5);
    // A bar stands on zero: up for savings, down for a month whose savings were negative.
    const top = Math.min(zero, yOf(point.savingsEur, savingsRange));
    const height = Math.abs(yOf(point.savingsEur, savingsRange) - zero);
    doc
      .rect(centre - barWidth / 2, top, barWidth, height)
      .fillOpacity(point.complete ? 1 : 0.45)
      .fill(SAVINGS_COLOUR);
    doc.fillOpacity(1);
    doc
      .fillColor(MUTED)
      .text(`${point.label}${point.complete ? "" : "*"}`, centre - slot / 2, bottom + 3, { width: slot, align: "center", lineBreak: false });
  });
  const points = trend.map((point, index) => ({ x: box.left + slot * (index + 0.5), y: yOf(point.energyFromSolarKwh, energyRange) }));
  if (points.length > 1) {
    doc.moveTo(points[0]!.x, points[0]!.y);
    for (const point of points.slice(1)) doc.lineTo(point.x, point.y);
    doc.lineWidth(1.5).strokeColor(ENERGY_COLOUR).stroke();
  }
  for (const point of points) doc.circle(point.x, point.y, 2.2).fill(ENERGY_COLOUR);
  doc.y = bottom + 16;
  const legend = `Bars: savings (EUR, left). Line: energy from solar (kWh, right).${trend.some((point) => !point.complete) ? " * an INCOMPLETE month (pale bar)." : ""}`;
  doc.font("Helvetica").fontSize(7.5).fillColor(MUTED).text(legend, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.9);
}

function outcomes(doc: Doc, page: SummaryPage) {
  table(
    doc,
    ["Outcome", "Sessions", "Share"],
    page.outcomes.map((outcome) => [outcome.name, outcome.sessions, outcome.share]),
    [200, 100, 90],
    { size: 9.5 },
  );
}

function notes(doc: Doc, page: SummaryPage) {
  const section = (heading: string, lines: readonly string[]) => {
    doc.font("Helvetica-Bold").fontSize(10).fillColor(INK).text(heading, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
    doc.moveDown(0.2);
    doc.font("Helvetica").fontSize(8.5).fillColor(INK);
    for (const line of lines) doc.text(line, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
    doc.moveDown(0.6);
  };
  section("Caveats", page.caveats.length ? page.caveats : ["None: every session was closed, fully priced and had a savings value."]);
  section("Money", [page.money]);
}

interface AxisRange {
  low: number;
  high: number;
}

/** From zero (or a rounded value below it, when one is negative) to a rounded value at or above the highest. */
function axisRange(values: readonly number[]): AxisRange {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  return { low: low < 0 ? -niceCeiling(-low) : 0, high: niceCeiling(high) };
}

/** The smallest 1, 2 or 5 times a power of ten at or above `value`, for an axis's top. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) if (value <= factor * power) return factor * power;
  return 10 * power;
}

function axisLabel(value: number): string {
  return Math.abs(value) >= 100_000 ? `${Math.round(value / 1000).toLocaleString("en")}k` : Math.round(value).toLocaleString("en");
}
