import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_STOP_ERRORS, RunStopError } from "../shared/errors/index.ts";
import { FATAL_STEP_ERRORS } from "./fatal-errors.ts";

const packages = new URL("../../../", import.meta.url).pathname;

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
    }),
  );
  return nested.flat();
}

describe("the errors that stop a run", () => {
  it("are all declared in shared/errors/index.ts, and each names itself", async () => {
    const elsewhere: string[] = [];
    for (const path of await sources(packages)) {
      if (path.endsWith("core/src/shared/errors/index.ts")) continue;
      const text = await readFile(path, "utf8");
      for (const match of text.matchAll(/class (\w+) extends RunStopError/g)) elsewhere.push(`${match[1]} in ${path.slice(packages.length)}`);
    }
    expect(elsewhere).toEqual([]);
    for (const kind of RUN_STOP_ERRORS) {
      const error = new kind("why", { cause: new Error("underneath") });
      expect(error).toBeInstanceOf(RunStopError);
      expect(error.name).toBe(kind.name);
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it("give the workflow its fatal names: those that end a cloud run, and JavaScript's bugs", () => {
    expect(FATAL_STEP_ERRORS).toEqual([
      "RunStopError",
      "ConfigError",
      "CredentialsError",
      "DiscoveryError",
      "NothingReadError",
      "SettingsError",
      "WorkStoreError",
      "RunRecordsError",
      "RunLimitError",
      "S3RefusedError",
      "TypeError",
      "ReferenceError",
      "SyntaxError",
      "RangeError",
    ]);
    // A month that cannot be reported, an output folder, a command line, an email: not the cloud run's end.
    for (const name of ["MonthError", "OutputFolderError", "UsageError", "EmailError"]) expect(FATAL_STEP_ERRORS).not.toContain(name);
  });
});
