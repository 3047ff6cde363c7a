import { groupDigits, signedDifference } from "../money/index.ts";
import {
  caveats,
  changeText,
  coverageClause,
  type Manifest,
  MONEY_RULE,
  type MonthTotals,
  type MovedWallbox,
  plural,
  type ReportHead,
  stateSentence,
} from "../report/index.ts";
import { monthName } from "../summary-page/index.ts";

/** A file of the report as the email offers it: a link that works for a while, or a note where it is. */
export interface EmailFile {
  name: string;
  bytes: number;
  sha256: string;
  /** A download link (a signed URL), or undefined where the email can only say where the file is. */
  url?: string;
  /** Where the file is, when there is no link (an S3 key, a local path). */
  location: string;
}

export interface FailedWallbox {
  label: string | null;
  wallboxId: string;
  error: string;
}

/** The month's report this one replaces, and how its totals differ. */
export interface Replaced {
  runId: string;
  generatedAt: string;
  complete: boolean;
  totals: Manifest["totals"];
  /** The wallboxes whose figures moved, where they could be compared, and where the whole comparison is. */
  moved?: { compared: boolean; count: number; first: readonly MovedWallbox[]; location: string };
}

export interface FinanceEmailInput {
  /** How finance names the organisation (a stage setting); the org id when there is none. */
  orgLabel?: string;
  manifest: Manifest;
  report: ReportHead;
  /** The first failed wallboxes, in report order (at most `FAILED_LISTED`); the manifest counts all. */
  failedWallboxes: readonly FailedWallbox[];
  files: readonly EmailFile[];
  /** Until when the links work (ISO time), when there are links. */
  linksExpireAt?: string;
  replaced?: Replaced;
  /** The previous month's report, where there is one: the totals say how they changed since. */
  previousMonth?: MonthTotals;
}

export interface FinanceEmail {
  subject: string;
  text: string;
  html: string;
}

/** The email lists this many failed wallboxes; the workbook's Data quality sheet has them all. */
export const FAILED_LISTED = 50;

function megabytes(bytes: number): string {
  return bytes < 1_000_000 ? `${Math.max(1, Math.round(bytes / 1000))} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** How one wallbox's figures moved, in words. */
function movedLine(wallbox: MovedWallbox): string {
  const name = `${wallbox.label ? `${wallbox.label} ` : ""}(wallbox ${wallbox.wallboxId})`;
  const { before, after } = wallbox;
  if (!before)
    return `${name}: new in this report${after?.status === "ok" ? `, savings ${groupDigits(after.savingsEur!)} EUR` : ", could not be read"}`;
  if (!after)
    return `${name}: no longer in the report (it had savings ${before.savingsEur ? `${groupDigits(before.savingsEur)} EUR` : "unknown: it had failed"})`;
  if (before.status !== after.status)
    return after.status === "ok"
      ? `${name}: read now (it had failed), savings ${groupDigits(after.savingsEur!)} EUR`
      : `${name}: could not be read this time (it had savings ${groupDigits(before.savingsEur!)} EUR)`;
  return `${name}: savings ${groupDigits(before.savingsEur!)} → ${groupDigits(after.savingsEur!)} EUR (${signedDifference(after.savingsEur!, before.savingsEur!, 2)}), energy ${groupDigits(before.energyFromSolarKwh!)} → ${groupDigits(after.energyFromSolarKwh!)} kWh, sessions ${before.sessions} → ${after.sessions}`;
}

function movedLines(moved: Replaced["moved"]): string[] {
  if (!moved) return [];
  if (!moved.compared) return [`Its wallboxes' figures were not kept, so only the totals are compared (${moved.location}).`];
  if (moved.count === 0) return [`No wallbox's figures moved (${moved.location}).`];
  const more = moved.count - moved.first.length;
  return [
    `Wallboxes whose figures moved: ${groupDigits(moved.count)}; all of them, for systems, in ${moved.location}:`,
    ...moved.first.map(movedLine),
    ...(more > 0 ? [`… and ${plural(more, "more wallbox", "more wallboxes")}.`] : []),
  ];
}

interface Section {
  title: string;
  lines: string[];
  /** Lines with a link: shown as anchors in HTML. */
  links?: { text: string; url?: string; note: string }[];
}

/**
 * The email finance receives when a month's report is published: subject with the org, the month
 * and the state; the headline totals; the caveats in words; the failed wallboxes; what it replaces
 * and by how much the totals moved; and the files with their links. Pure: the same input gives
 * the same message, and nothing secret is in the input.
 */
export function financeEmail(input: FinanceEmailInput): FinanceEmail {
  const { manifest, report } = input;
  const { totals } = manifest;
  const org = input.orgLabel ?? manifest.orgId;
  const uncovered = coverageClause(report.coverage);
  const state = manifest.complete
    ? uncovered
      ? `complete for ${plural(totals.wallboxes, "wallbox", "wallboxes")}, not the whole org`
      : "complete"
    : `INCOMPLETE (${[
        ...(totals.failedWallboxes ? [`${groupDigits(totals.failedWallboxes)} of ${plural(totals.wallboxes, "wallbox", "wallboxes")} failed`] : []),
        ...(report.coverage.usersNotListed ? [`${plural(report.coverage.usersNotListed, "user")} not listed`] : []),
      ].join(", ")})`;
  const subject = `${org}: HEMS savings report ${manifest.month}: ${state}${input.replaced ? " (replaces an earlier report)" : ""}`;

  const sections: Section[] = [];
  sections.push({ title: "What to do", lines: [whatToDo(input)] });
  sections.push({
    title: `HEMS savings report for ${monthName(manifest.month)}`,
    lines: [
      `Organisation: ${org}${input.orgLabel ? ` (org id ${manifest.orgId})` : ""}`,
      `Month: ${report.month} in ${report.timezone}, from ${report.window.start} up to, not including, ${report.window.end}`,
      `State: ${stateSentence({ complete: manifest.complete, coverage: report.coverage }, { count: totals.wallboxes, failed: totals.failedWallboxes })}${manifest.complete ? "" : " The totals cover only the wallboxes that were read."}`,
    ],
  });
  const previous = input.previousMonth;
  const since = (current: string, before: string | undefined, places: number, unit?: string) =>
    previous && before !== undefined
      ? `; ${monthName(previous.month)}: ${groupDigits(before)}${unit ? ` ${unit}` : ""}, change ${changeText(current, before, places, unit)}`
      : "";
  sections.push({
    title: "Totals",
    lines: [
      `Savings: ${groupDigits(totals.savingsEur)} EUR${since(totals.savingsEur, previous?.savingsEur, 2, "EUR")}`,
      `Energy from solar: ${groupDigits(totals.energyFromSolarKwh)} kWh${since(totals.energyFromSolarKwh, previous?.energyFromSolarKwh, 3, "kWh")}`,
      `Sessions: ${groupDigits(totals.sessions)}${since(String(totals.sessions), previous ? String(previous.sessions) : undefined, 0)}`,
      `Wallboxes: ${groupDigits(totals.wallboxes)}${totals.failedWallboxes ? ` (${groupDigits(totals.failedWallboxes)} failed)` : ""}`,
      ...(previous && !previous.complete
        ? [`(${monthName(previous.month)}'s report was INCOMPLETE: the change compares with what it covered.)`]
        : []),
      "Each wallbox is rounded once; the totals are exact sums of the rounded wallbox figures.",
      MONEY_RULE,
    ],
  });
  const caveatLines = caveats(report.totals, report.caveats);
  sections.push({
    title: "Caveats",
    lines: caveatLines.length
      ? caveatLines
      : ["None: every session was closed, fully priced and had a savings value, and every session returned started within the month."],
  });
  if (totals.failedWallboxes > 0) {
    const listed = input.failedWallboxes.slice(0, FAILED_LISTED);
    const more = totals.failedWallboxes - listed.length;
    sections.push({
      title: "Wallboxes that could not be read",
      lines: [
        ...listed.map((wallbox) => `${wallbox.label ? `${wallbox.label} ` : ""}(wallbox ${wallbox.wallboxId}): ${wallbox.error}`),
        ...(more > 0 ? [`… and ${plural(more, "more wallbox", "more wallboxes")}: the workbook's Data quality sheet lists them all.`] : []),
      ],
    });
  }
  if (input.replaced) {
    const before = input.replaced.totals;
    sections.push({
      title: "What this report replaces",
      lines: [
        `It replaces the report of run ${input.replaced.runId}, generated ${input.replaced.generatedAt} (${input.replaced.complete ? "complete" : "INCOMPLETE"}).`,
        `Savings: ${groupDigits(before.savingsEur)} → ${groupDigits(totals.savingsEur)} EUR (${signedDifference(totals.savingsEur, before.savingsEur, 2)})`,
        `Energy from solar: ${groupDigits(before.energyFromSolarKwh)} → ${groupDigits(totals.energyFromSolarKwh)} kWh (${signedDifference(totals.energyFromSolarKwh, before.energyFromSolarKwh, 3)})`,
        `Sessions: ${groupDigits(before.sessions)} → ${groupDigits(totals.sessions)}`,
        `Wallboxes failed: ${groupDigits(before.failedWallboxes)} → ${groupDigits(totals.failedWallboxes)}`,
        ...movedLines(input.replaced.moved),
      ],
    });
  }
  const files = [manifest.files.xlsx, manifest.files.json, ...manifest.files.csv, ...(manifest.files.pdf ? [manifest.files.pdf] : [])].map((file) => {
    const offered = input.files.find((candidate) => candidate.name === file.name);
    const note = `${megabytes(file.bytes)}, SHA-256 ${file.sha256}`;
    return { text: file.name, url: offered?.url, note: offered?.url ? note : `${note}, at ${offered?.location ?? file.key}` };
  });
  sections.push({
    title: input.linksExpireAt ? `Files (the links work until ${input.linksExpireAt})` : "Files",
    lines: files.map((file) => `${file.text} (${file.note})${file.url ? `: ${file.url}` : ""}`),
    links: files,
  });
  const footer = `Run ${manifest.runId}, generated ${manifest.generatedAt}. The workbook's About sheet states the rules behind every figure.`;

  const text = `${sections.map((section) => `${section.title}\n${section.lines.map((line) => `  ${line}`).join("\n")}`).join("\n\n")}\n\n${footer}\n`;
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif">',
    ...sections.map((section, index) => {
      const heading = index === 0 ? `<h2>${escapeHtml(section.title)}</h2>` : `<h3>${escapeHtml(section.title)}</h3>`;
      const items = section.links
        ? section.links.map(
            (link) =>
              `<li>${link.url ? `<a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a>` : escapeHtml(link.text)} (${escapeHtml(link.note)})</li>`,
          )
        : section.lines.map((line) => `<li>${escapeHtml(line)}</li>`);
      return `${heading}\n<ul>\n${items.join("\n")}\n</ul>`;
    }),
    `<p>${escapeHtml(footer)}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, text, html };
}

/** The first thing finance reads: whether anything is to be done about this report. */
function whatToDo(input: FinanceEmailInput): string {
  const { totals } = input.manifest;
  const uncovered = coverageClause(input.report.coverage);
  if (input.manifest.complete) {
    const caveated = caveats(input.report.totals, input.report.caveats).length > 0;
    if (uncovered)
      return `Check the wallbox list before booking: the report is complete for its ${plural(totals.wallboxes, "wallbox", "wallboxes")}, but ${uncovered}. The workbook's Data quality sheet lists the users concerned.${caveated ? " The caveats below say which amounts may still change." : ""}`;
    return `Nothing to do: the report is complete.${caveated ? " The caveats below say which amounts may still change." : ""}`;
  }
  const reasons = [
    ...(totals.failedWallboxes
      ? [`${groupDigits(totals.failedWallboxes)} of ${plural(totals.wallboxes, "wallbox", "wallboxes")} could not be read (listed below)`]
      : []),
    ...(input.report.coverage.usersNotListed
      ? [
          `the wallboxes of ${plural(input.report.coverage.usersNotListed, "user")} could not be listed (the workbook's Data quality sheet names them)`,
        ]
      : []),
  ];
  return (
    `Do not book this report as final: it is INCOMPLETE, ${reasons.join("; ")}. ` +
    "A rerun, or the catch-up run that tries again each day until the 5th, replaces it with a complete report once they can be read, and you will receive that one by email."
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
