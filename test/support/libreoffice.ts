import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The path of `name` on this machine, or undefined. */
export async function which(name: string): Promise<string | undefined> {
  try {
    return (await run("sh", ["-c", `command -v ${name}`])).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A LibreOffice user profile that recalculates every formula of an xlsx file when it opens it
 * (`recalculate`), so what it exports is LibreOffice's own result; or one that never does, so it
 * exports the values cached in the file.
 */
async function profileFor(folder: string, recalculate: boolean, use: string): Promise<string> {
  // One profile for each conversion: LibreOffice instances must not share one, and these run at once.
  const profile = join(folder, `lo-${use}-${recalculate ? "recalculating" : "cached"}`);
  await mkdir(join(profile, "user"), { recursive: true });
  await writeFile(
    join(profile, "user", "registrymodifications.xcu"),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>${recalculate ? 0 : 1}</value></prop></item>
</oor:items>
`,
  );
  return pathToFileURL(profile).href;
}

/**
 * Converts workbooks with headless LibreOffice: `csv` writes each sheet to `{name}-{sheet}.csv`
 * (raw values, not as formatted), recalculated or as cached in the file; `pdf` prints them,
 * recalculated, with the workbook's own page setup.
 */
export async function convert(files: readonly string[], to: "csv" | "cached csv" | "pdf", outdir: string, scratch: string): Promise<void> {
  const filter = to === "pdf" ? "pdf" : "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";
  const profile = await profileFor(scratch, to !== "cached csv", to.replace(" ", "-"));
  await run("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", filter, "--outdir", outdir, ...files], {
    timeout: 120_000,
  });
}

/** A PDF's pages as text, laid out as printed (poppler's pdftotext). */
export async function pdfPages(path: string): Promise<string[]> {
  const info = (await run("pdfinfo", [path])).stdout;
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  // pdftotext ends each page with a form feed.
  const texts = (await run("pdftotext", ["-layout", path, "-"], { maxBuffer: 64 * 2 ** 20 })).stdout.split("\f").slice(0, pages);
  if (texts.length !== pages) throw new Error(`${path}: pdftotext gave ${texts.length} pages, pdfinfo counts ${pages}`);
  return texts;
}

/** RFC 4180 CSV rows (quoted fields, doubled quotes, commas and line breaks in quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      row.push(field);
      field = "";
    } else if (character === "\n" || character === "\r") {
      if (character === "\r" && text[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += character;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}
