import { z } from "zod";

export const MANIFEST_FILE_NAME = "manifest.json";

const fileSchema = z.object({
  name: z.string(),
  key: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Set when the bucket keeps versions: the exact object this manifest vouches for. */
  versionId: z.string().optional(),
});

const manifestTotalsSchema = z.object({
  wallboxes: z.number().int(),
  failedWallboxes: z.number().int(),
  sessions: z.number().int(),
  savingsEur: z.string(),
  energyFromSolarKwh: z.string(),
});

/** A month's earlier report, as a restatement and the email name it. */
export const replacedReportSchema = z.object({
  runId: z.string(),
  generatedAt: z.iso.datetime(),
  complete: z.boolean(),
  totals: manifestTotalsSchema,
});
export type ReplacedReport = z.infer<typeof replacedReportSchema>;
export type ManifestFile = z.infer<typeof fileSchema>;

/**
 * Written after the workbook, the JSON and the CSV session detail, so a reader who finds a manifest
 * finds the complete, matching files it names (by size, SHA-256 and, in a versioned bucket, version id).
 */
export const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  orgId: z.string(),
  month: z.string(),
  /** "all" for the configured org; "subset" for an on-demand run over some wallboxes only. */
  scope: z.enum(["all", "subset"]),
  generatedAt: z.iso.datetime(),
  complete: z.boolean(),
  totals: manifestTotalsSchema,
  /**
   * `csv`: the session detail, one file or its parts in order; `pdf`: the one-page summary
   * (reports since it was added); `wallboxList`: the wallboxes a run found through the Partner
   * API (a JSON Lines config), when it found them so.
   */
  files: z.object({
    xlsx: fileSchema,
    json: fileSchema,
    csv: z.array(fileSchema),
    pdf: fileSchema.optional(),
    wallboxList: fileSchema.optional(),
  }),
  /**
   * In the month's manifest only: the report this one replaced as the month's, when there was
   * one. Written with the replacement itself, so a retried step still knows what it replaced.
   */
  replaces: replacedReportSchema.optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;
