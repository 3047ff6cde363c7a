import { z } from "zod";

const eur = z.string().regex(/^-?\d+\.\d{2}$/, { error: "expected EUR as a decimal string with 2 decimals" });
const kwh = z.string().regex(/^-?\d+\.\d{3}$/, { error: "expected kWh as a decimal string with 3 decimals" });
const count = z.number().int().nonnegative();
const day = z.iso.date();

export const figuresSchema = z.object({
  sessions: count,
  outcomes: z.object({
    charged_from_solar: count,
    no_surplus: count,
    steering_ineffective: count,
    aborted: count,
    unknown: count,
  }),
  energyFromSolarKwh: kwh,
  savingsEur: eur,
  commandsSent: count,
  commandsApplied: count,
  commandsIneffective: count,
  sessionsWithoutSavings: count,
  sessionsWithIncompletePriceCoverage: count,
  openSessions: count,
  sessionsStartedOutsidePeriod: count,
});

const wallboxIdentity = {
  userId: z.string(),
  wallboxId: z.string(),
  label: z.string().nullable(),
};

export const wallboxReportSchema = z.discriminatedUnion("status", [
  z.object({ ...wallboxIdentity, status: z.literal("ok"), ...figuresSchema.shape }),
  z.object({ ...wallboxIdentity, status: z.literal("failed"), error: z.string() }),
]);

/**
 * The JSON report (schemaVersion 1), for systems that read it. A failed wallbox carries its
 * reason instead of figures; totals cover the wallboxes with status "ok", and `complete` is false
 * whenever any wallbox failed.
 */
export const monthlyReportSchema = z.object({
  schemaVersion: z.literal(1),
  orgId: z.string(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  period: z.object({ from: day, to: day }),
  generatedAt: z.iso.datetime(),
  complete: z.boolean(),
  rules: z.object({ periodMembership: z.string(), rounding: z.string() }),
  totals: figuresSchema,
  wallboxes: z.array(wallboxReportSchema),
});

export type FiguresJson = z.infer<typeof figuresSchema>;
export type WallboxReport = z.infer<typeof wallboxReportSchema>;
export type MonthlyReport = z.infer<typeof monthlyReportSchema>;

const reportHeadSchema = monthlyReportSchema.omit({ wallboxes: true });

/** Everything of a report but its wallboxes' entries, which are kept apart (see `WallboxEntries`). */
export type ReportHead = z.infer<typeof reportHeadSchema>;

/**
 * Checks a report against the schema without making a copy of it: its head whole, its wallboxes
 * one by one, so a large org's rows never exist twice. Throws on the first problem.
 */
export function assertMonthlyReport(report: MonthlyReport): MonthlyReport {
  report.wallboxes.forEach(assertWallboxEntry);
  return assertReportHead(report);
}

/** Checks one wallbox's entry (the run does it as each wallbox is read, so the check's garbage never piles up). */
export function assertWallboxEntry(entry: WallboxReport, index: number): WallboxReport {
  const result = wallboxReportSchema.safeParse(entry);
  if (!result.success) throw new Error(`the report's wallboxes[${index}] does not match its schema: ${result.error.message}`);
  return entry;
}

/** Checks everything of a report but its wallboxes' entries. */
export function assertReportHead<Head extends ReportHead>(report: Head): Head {
  const { wallboxes: _entries, ...head } = report as Head & { wallboxes?: unknown };
  reportHeadSchema.parse(head);
  return report;
}
