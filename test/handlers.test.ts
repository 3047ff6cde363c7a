import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// The handlers infra/report.ts deploys, bundled the way SST bundles them (esbuild, ESM, Node 22),
// so a renamed file, a missing export or an import that only resolves in the workspace fails here
// rather than in the deploy.
const run = promisify(execFile);
const infra = await readFile(new URL("../infra/report.ts", import.meta.url), "utf8");
const handlers = [...infra.matchAll(/handler: "([^"]+)\.(\w+)"/g)].map(([, file, exported]) => ({ file: `${file}.ts`, exported: exported! }));
const out = await mkdtemp(join(tmpdir(), "hems-bundle-"));
afterAll(() => rm(out, { recursive: true, force: true }));

describe("deployed handlers", () => {
  it("are the three functions of the design", () => {
    expect(handlers.map((handler) => handler.file).sort()).toEqual([
      "packages/functions/src/on-demand.ts",
      "packages/functions/src/scheduled.ts",
      "packages/functions/src/worker.ts",
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
      // ESM bundles of CommonJS dependencies need a require of their own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    expect(result.errors).toEqual([]);
    // Loaded by plain Node in a child process, as Lambda loads them (vitest's own loader would transform the bundles).
    const check = handlers.map(({ file, exported }) => ({ url: pathToFileURL(join(out, file.replace(/\.ts$/, ".mjs"))).href, exported }));
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `for (const { url, exported } of ${JSON.stringify(check)}) console.log(typeof (await import(url))[exported]);`,
    ]);
    expect(stdout.trim().split("\n")).toEqual(handlers.map(() => "function"));
  });
});
