import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// The handlers infra/report.ts deploys, bundled the way SST bundles them (esbuild, ESM, Node 22),
// so a renamed file, a missing export or an import that only resolves in the workspace fails here
// rather than in the deploy.
const run = promisify(execFile);
const infra = await readFile(new URL("../../infra/report.ts", import.meta.url), "utf8");
const handlers = [...infra.matchAll(/handler: "([^"]+)\.(\w+)"/g)].map(([, file, exported]) => ({ file: `${file}.ts`, exported: exported! }));
const out = await mkdtemp(join(tmpdir(), "hems-bundle-"));
let bundled: Map<string, Set<string>> | undefined;

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
      // ESM bundles of CommonJS dependencies need a require of their own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    expect(result.errors).toEqual([]);
    bundled = packagesPerHandler(result.metafile!);
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
      for (const heavy of ["exceljs", "csv-stringify", "pdfkit", "@aws-sdk/client-secrets-manager", "undici"]) {
        expect(packages(trigger), `${trigger} bundles ${heavy}`).not.toContain(heavy);
      }
    }
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/plan.ts")).not.toContain(heavy);
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/shard.ts")).not.toContain(heavy);
    for (const heavy of ["exceljs", "csv-stringify"]) expect(packages("handlers/collect.ts")).not.toContain(heavy);
    expect(packages("handlers/detail.ts")).not.toContain("exceljs");
    expect(packages("handlers/merge.ts")).not.toContain("csv-stringify");
    // The steps that need them do carry them, or the checks above would prove nothing.
    expect(packages("handlers/merge.ts")).toEqual(expect.arrayContaining(["exceljs", "pdfkit"]));
    for (const step of ["handlers/plan.ts", "handlers/shard.ts", "handlers/collect.ts", "handlers/detail.ts"])
      expect(packages(step)).not.toContain("pdfkit");
    expect(packages("handlers/detail.ts")).toContain("csv-stringify");
    expect(packages("handlers/shard.ts")).toEqual(expect.arrayContaining(["undici", "@aws-sdk/client-secrets-manager"]));
  });
});
