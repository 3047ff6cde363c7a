import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { contractHash, JSON_SCHEMA_FILE_NAME, monthlyReportJsonSchemaText, monthlyReportSchema } from "@hems-reports/core/domain/report";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, temporaryFolder } from "../support/cli.ts";

const committed = new URL(`../../schema/${JSON_SCHEMA_FILE_NAME}`, import.meta.url);

/**
 * What each published schemaVersion means, as `contractHash` (descriptions aside): a published
 * contract never changes; a change needs a new schemaVersion, whose hash is added here.
 */
const PUBLISHED: Record<number, string> = {
  1: "50698452594c2be3b70d13c9eb5dfc600f45744c39eeb7c5fbaa92b620437a63",
  2: "50521a41136b3a8863c23c3c0ff3add0056f2fdfe1623a12eeaceb7b742d8f6a",
  3: "fb53f6d95df88b4d379d31f95dfbdfdc7b3367c5ba817c2afc83aa961bbd4dd3",
  4: "f324b32bc39509cdda449e10c4f0d7e0f71a9016c786fdaaa04a6aa1eb8ad93e",
};

let out: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  out = await temporaryFolder();
});
afterEach(() => out.remove());

describe("the JSON report's published contract (schema/)", () => {
  it("is what the code enforces: a changed schema needs a new schemaVersion and `npm run schema`", async () => {
    // Compared as JSON: the formatter may lay the committed file out differently.
    const text = await readFile(committed, "utf8");
    const version = monthlyReportSchema.shape.schemaVersion.value;
    expect(
      isDeepStrictEqual(JSON.parse(text), JSON.parse(monthlyReportJsonSchemaText())),
      `schema/${JSON_SCHEMA_FILE_NAME} is not what monthlyReportSchema (schemaVersion ${version}) enforces: a change of the contract needs a new schemaVersion (and schema file name); then run npm run schema`,
    ).toBe(true);
    expect(JSON_SCHEMA_FILE_NAME).toBe(`hems-savings-report.v${version}.schema.json`);
    expect(
      contractHash(JSON.parse(text)),
      `schemaVersion ${version} is published and means something else now: bump schemaVersion (a new schema file) instead of changing it`,
    ).toBe(PUBLISHED[version]);
  });

  it("keeps every published version's schema file, unchanged", async () => {
    for (const [version, hash] of Object.entries(PUBLISHED)) {
      const text = await readFile(new URL(`../../schema/hems-savings-report.v${version}.schema.json`, import.meta.url), "utf8");
      expect(contractHash(JSON.parse(text)), `schema/hems-savings-report.v${version}.schema.json changed`).toBe(hash);
    }
  });

  it("validates reports as written (complete and incomplete), and the copy written beside each report is the committed one", async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(committed, "utf8")));
    const run = await runCli(["--out", out.path, "--wallboxes", "6", "--quiet"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(await readFile(join(out.path, "hems-savings-2026-10.json"), "utf8"));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.parse(await readFile(join(out.path, JSON_SCHEMA_FILE_NAME), "utf8"))).toEqual(JSON.parse(await readFile(committed, "utf8")));
    // A failed wallbox, as the report writes it, is valid too; a figure as a float is not.
    const incomplete = {
      ...report,
      complete: false,
      wallboxes: [...report.wallboxes, { ...report.wallboxes[0], status: "failed", error: "HTTP 503", sessions: undefined }],
    };
    const failed = {
      ...{ userId: report.wallboxes[0].userId, wallboxId: report.wallboxes[0].wallboxId, label: null },
      ...{ externalUserId: null, externalDeviceId: null, manufacturer: null, model: null },
      ...{ status: "failed", error: "HTTP 503" },
    };
    expect(validate({ ...incomplete, wallboxes: [...report.wallboxes, failed] }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, totals: { ...report.totals, savingsEur: 1750.09 } })).toBe(false);
    expect(validate({ ...report, schemaVersion: 1 })).toBe(false);
    // A month in a timezone east of UTC: offsets in the window, sessions of neighbouring months.
    const vienna = await temporaryFolder();
    try {
      expect((await runCli(["--out", vienna.path, "--wallboxes", "6", "--quiet", "--timezone", "Europe/Vienna"])).code).toBe(0);
      const local = JSON.parse(await readFile(join(vienna.path, "hems-savings-2026-10.json"), "utf8"));
      expect(local.totals.sessionsOutsideMonth).toBeGreaterThan(0);
      expect(validate(local), JSON.stringify(validate.errors)).toBe(true);
    } finally {
      await vienna.remove();
    }
  });
});
