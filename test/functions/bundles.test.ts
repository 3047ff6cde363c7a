import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { FULL_COVERAGE } from "../support/api.ts";

// The handlers infra/report.ts deploys, bundled the way SST bundles them (esbuild, ESM, Node 22),
// so a renamed file, a missing export or an import that only resolves in the workspace fails here
// rather than in the deploy.
const run = promisify(execFile);
const infra = await readFile(new URL("../../infra/report.ts", import.meta.url), "utf8");
const handlers = [...infra.matchAll(/handler: "([^"]+)\.(\w+)"/g)].map(([, file, exported]) => ({ file: `${file}.ts`, exported: exported! }));
const out = await mkdtemp(join(tmpdir(), "hems-bundle-"));
let bundled: Map<string, Set<string>> | undefined;
/** The packages each handler's bundle imports from outside itself (Node's own and the installed ones). */
const importsOf = new Map<string, Set<string>>();
/** The packages a function has SST install beside its bundle (`nodejs.install`), with their versions. */
const installed = new Map([...infra.matchAll(/install: \{ ([\w@/-]+): "([^"]+)" \}/g)].map(([, name, version]) => [name!, version!]));

/** The npm packages each handler's bundle contains, from esbuild's metafile. */
function packagesPerHandler(metafile: Metafile): Map<string, Set<string>> {
  const perHandler = new Map<string, Set<string>>();
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const packages = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (match) packages.add(match[1]!);
    }
    perHandler.set(output.entryPoint, packages);
  }
  return perHandler;
}
afterAll(() => rm(out, { recursive: true, force: true }));

describe("deployed handlers", () => {
  it("are the functions of the design: two triggers and the workflow's five steps", () => {
    expect(handlers.map((handler) => handler.file).sort()).toEqual([
      "packages/functions/src/handlers/collect.ts",
      "packages/functions/src/handlers/detail.ts",
      "packages/functions/src/handlers/merge.ts",
      "packages/functions/src/handlers/on-demand.ts",
      "packages/functions/src/handlers/plan.ts",
      "packages/functions/src/handlers/scheduled.ts",
      "packages/functions/src/handlers/shard.ts",
    ]);
  });

  it("bundle, and each exports its handler", async () => {
    const result = await build({
      entryPoints: handlers.map((handler) => handler.file),
      outdir: out,
      outbase: ".",
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      logLevel: "silent",
      metafile: true,
      // As infra/report.ts has SST install them beside the bundle rather than bundle them.
      external: [...installed.keys()],
      // ESM bundles of CommonJS dependencies need a require of their own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    expect(result.errors).toEqual([]);
    bundled = packagesPerHandler(result.metafile!);
    for (const output of Object.values(result.metafile!.outputs))
      if (output.entryPoint) importsOf.set(output.entryPoint, new Set(output.imports.filter((found) => found.external).map((found) => found.path)));
    // What SST installs beside a bundle, here from the workspace's node_modules.
    await mkdir(join(out, "node_modules"), { recursive: true });
    for (const name of installed.keys())
      await symlink(new URL(`../../node_modules/${name}`, import.meta.url).pathname, join(out, "node_modules", name));
    // Loaded by plain Node in a child process, as Lambda loads them (vitest's own loader would transform the bundles).
    const check = handlers.map(({ file, exported }) => ({ url: pathToFileURL(join(out, file.replace(/\.ts$/, ".mjs"))).href, exported }));
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `for (const { url, exported } of ${JSON.stringify(check)}) console.log(typeof (await import(url))[exported]);`,
    ]);
    expect(stdout.trim().split("\n")).toEqual(handlers.map(() => "function"));
  });

  it("carry only what they use: the triggers load no workbook or CSV writer, no Secrets Manager client and no Partner API client", () => {
    const packages = (file: string) => {
      const found = bundled?.get(`packages/functions/src/${file}`);
      expect(found, "the bundle test above must run first").toBeDefined();
      return [...found!];
    };
    for (const trigger of ["handlers/on-demand.ts", "handlers/scheduled.ts"]) {
      for (const heavy of ["exceljs", "csv-stringify", "@aws-sdk/client-secrets-manager", "undici"]) {
        expect(packages(trigger), `${trigger} bundles ${heavy}`).not.toContain(heavy);
      }
    }
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/plan.ts")).not.toContain(heavy);
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/shard.ts")).not.toContain(heavy);
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/collect.ts")).not.toContain(heavy);
    expect(packages("handlers/detail.ts")).not.toContain("exceljs");
    expect(packages("handlers/merge.ts")).not.toContain("csv-stringify");
    // The steps that need them do carry them, or the checks above would prove nothing.
    expect(packages("handlers/merge.ts")).toContain("exceljs");
    // pdfkit is installed beside the merge function's bundle, never bundled; only the merge imports it.
    for (const handler of handlers) expect(packages(handler.file.replace("packages/functions/src/", ""))).not.toContain("pdfkit");
    expect([...importsOf.entries()].filter(([, imports]) => imports.has("pdfkit")).map(([file]) => file)).toEqual([
      "packages/functions/src/handlers/merge.ts",
    ]);
    expect(packages("handlers/detail.ts")).toContain("csv-stringify");
    expect(packages("handlers/shard.ts")).toEqual(expect.arrayContaining(["undici", "@aws-sdk/client-secrets-manager"]));
  });

  it("make the PDF summary where pdfkit is installed beside the bundle, as SST installs it for the merge function", async () => {
    // pdfkit loads its fonts' metrics lazily, through a require of its own: bundled, it fails only
    // when the first PDF is drawn. So a bundle of the PDF writer draws one here, with pdfkit in a
    // node_modules beside it, as in the deployed function.
    expect(installed.get("pdfkit")).toBe(
      JSON.parse(await readFile(new URL("../../node_modules/pdfkit/package.json", import.meta.url), "utf8")).version,
    );
    const folder = await mkdtemp(join(tmpdir(), "hems-pdf-bundle-"));
    try {
      const entry = join(folder, "entry.ts");
      const core = new URL("../../packages/core/src/", import.meta.url).pathname;
      await writeFile(
        entry,
        `import { summaryPage } from "${core}domain/summary-page/index.ts";
import { summaryPdfBytes } from "${core}formats/pdf/index.ts";
const report = JSON.parse(process.argv[2]);
const bytes = await summaryPdfBytes(summaryPage({ report, wallboxes: { count: 1, failed: 0 }, source: "bundle test" }));
console.log(bytes.subarray(0, 5).toString(), bytes.length);`,
      );
      await build({
        entryPoints: [entry],
        outfile: join(folder, "out", "entry.mjs"),
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node22",
        logLevel: "silent",
        external: [...installed.keys()],
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      });
      await mkdir(join(folder, "out", "node_modules"));
      await symlink(new URL("../../node_modules/pdfkit", import.meta.url).pathname, join(folder, "out", "node_modules", "pdfkit"));
      const head = {
        orgId: "33333333-3333-4333-8333-333333333333",
        month: "2026-10",
        timezone: "UTC",
        window: { start: "2026-10-01T00:00:00Z", end: "2026-11-01T00:00:00Z" },
        generatedAt: "2026-11-01T06:00:00.000Z",
        complete: true,
        totals: {
          sessions: 1,
          savingsEur: "1.00",
          energyFromSolarKwh: "2.000",
          outcomes: { charged_from_solar: 1, no_surplus: 0, steering_ineffective: 0, aborted: 0, unknown: 0 },
          openSessions: 0,
          sessionsWithIncompletePriceCoverage: 0,
          sessionsWithoutSavings: 0,
          sessionsOutsideMonth: 0,
        },
        caveats: { openSessionsSavingsEur: "0.00", incompletePriceCoverageSavingsEur: "0.00" },
        coverage: FULL_COVERAGE,
      };
      const { stdout } = await run(process.execPath, [join(folder, "out", "entry.mjs"), JSON.stringify(head)], { cwd: folder });
      expect(stdout).toMatch(/^%PDF- \d+\n$/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
