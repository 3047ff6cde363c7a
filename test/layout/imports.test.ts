import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layout's import rules (docs/architecture.md, "Layout"), read from the source: each folder
 * of packages/core/src has a role, and a role imports only the roles below it. Like
 * dependency-cruiser's rules, in a few lines: every import of every source file is resolved and
 * judged, and a breach names the file, the import and the rule.
 */
const ROOT = normalize(join(import.meta.dirname, "../.."));
const CORE = "packages/core/src";

type Role = "shared" | "domain" | "ports" | "formats" | "pipeline" | "cloud" | "adapters" | "handlers" | "wiring" | "cli" | "simulator";

/** What each role may import from core (and from the functions package). Wiring and the CLI choose adapters; nothing else does. */
const MAY_IMPORT: Record<Role, readonly Role[]> = {
  shared: ["shared"],
  domain: ["domain", "shared"],
  ports: ["ports", "domain", "shared"],
  // Encoders of the report into bytes on a stream they are handed (workbook, CSV, MIME): no I/O of their own.
  formats: ["formats", "domain", "shared"],
  pipeline: ["pipeline", "domain", "ports", "formats", "shared"],
  cloud: ["cloud", "pipeline", "domain", "ports", "formats", "shared"],
  adapters: ["adapters", "ports", "domain", "formats", "shared"],
  handlers: ["handlers", "wiring", "cloud", "domain", "ports", "shared"],
  wiring: ["wiring", "adapters", "cloud", "pipeline", "domain", "ports", "formats", "shared"],
  cli: ["cli", "adapters", "cloud", "pipeline", "domain", "ports", "formats", "shared", "simulator"],
  simulator: ["simulator", "domain", "shared"],
};

function roleOf(file: string): Role | undefined {
  if (file.startsWith(`${CORE}/`)) return file.slice(CORE.length + 1).split("/")[0] as Role;
  if (file.startsWith("packages/functions/src/handlers/")) return "handlers";
  if (file.startsWith("packages/functions/src/wiring/")) return "wiring";
  if (file.startsWith("packages/cli/src/")) return "cli";
  if (file.startsWith("packages/simulator/src/")) return "simulator";
  return undefined;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

// `import … from "x"`, `export … from "x"`, `import("x")`, and a bare `import "x"` (run for its effects).
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;

/** The repository path an import names, or undefined for a package of npm or Node. */
function resolveImport(file: string, specifier: string): string | undefined {
  const core = /^@hems-reports\/core\/(.+)$/.exec(specifier);
  if (core) return `${CORE}/${core[1]}/index.ts`;
  if (specifier === "@hems-reports/simulator") return "packages/simulator/src/index.ts";
  if (!specifier.startsWith(".")) return undefined;
  const path = relative(ROOT, join(ROOT, dirname(file), specifier));
  return path.endsWith(".ts") ? path : path.endsWith(".js") ? path.replace(/\.js$/, ".ts") : `${path}.ts`;
}

interface Breach {
  file: string;
  imports: string;
  rule: string;
}

function breachesOf(file: string): Breach[] {
  const role = roleOf(file);
  // Every source file has a role: a file of the functions outside handlers/ and wiring/ would go unchecked.
  if (!role) return [{ file, imports: "", rule: "a source file outside every role's folder" }];
  const text = readFileSync(join(ROOT, file), "utf8");
  const breaches: Breach[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = (match[1] ?? match[2] ?? match[3])!;
    const target = resolveImport(file, specifier);
    if (!target) continue;
    const targetRole = roleOf(target);
    if (!targetRole) continue;
    if (!MAY_IMPORT[role].includes(targetRole)) breaches.push({ file, imports: specifier, rule: `${role} may not import ${targetRole}` });
    // A folder is entered through its index: another folder's files are its own business.
    const sameFolder = dirname(target) === dirname(file);
    const isTest = file.endsWith(".test.ts");
    if (!sameFolder && !target.endsWith("/index.ts") && targetRole !== "handlers" && targetRole !== "wiring" && !isTest)
      breaches.push({ file, imports: specifier, rule: `import ${dirname(target)} through its index.ts` });
  }
  return breaches;
}

const files = ["packages/core/src", "packages/functions/src", "packages/cli/src", "packages/simulator/src"].flatMap(sourceFiles);

describe("the layout's import rules", () => {
  it("hold for every source file: each role imports only what lies below it, and another folder only through its index", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(breachesOf).map(({ file, imports, rule }) => `${file} imports ${imports}: ${rule}`)).toEqual([]);
  });

  it("give every folder of core a role", () => {
    const folders = readdirSync(join(ROOT, CORE));
    expect(folders.filter((folder) => !(folder in MAY_IMPORT))).toEqual([]);
  });

  it("find a breach: a domain module that imports an adapter, and an import past an index", () => {
    const judge = (file: string, text: string) => {
      const role = roleOf(file)!;
      return [...text.matchAll(IMPORT)].map((match) => {
        const target = resolveImport(file, match[1]!)!;
        return { allowed: MAY_IMPORT[role].includes(roleOf(target)!), throughIndex: target.endsWith("/index.ts") };
      });
    };
    expect(judge(`${CORE}/domain/report/model.ts`, 'import { s3WorkStore } from "../../adapters/aws/s3/index.ts";')).toEqual([
      { allowed: false, throughIndex: true },
    ]);
    expect(judge(`${CORE}/cloud/plan-step.ts`, 'import { planRun } from "../pipeline/shards.ts";')).toEqual([{ allowed: true, throughIndex: false }]);
  });
});
