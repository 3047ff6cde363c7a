import { z } from "zod";

const eur = z.string().regex(/^-?\d+\.\d{2}$/, { error: "expected EUR as a decimal string with 2 decimals" });
const kwh = z.string().regex(/^-?\d+\.\d{3}$/, { error: "expected kWh as a decimal string with 3 decimals" });
const count = z.number().int().nonnegative();
const day = z.iso.date();

// The descriptions are the published contract's (schema/): they say what each field means.
export const figuresSchema = z.object({
  sessions: count.describe("Sessions the Partner API returned for the month"),
  outcomes: z
    .object({
      charged_from_solar: count.describe("Sessions charged from solar surplus"),
      no_surplus: count.describe("Sessions without solar surplus to charge from"),
      steering_ineffective: count.describe("Sessions whose steering had no effect"),
      aborted: count.describe("Sessions aborted"),
      unknown: count.describe("Sessions whose outcome is null or a value the API contract does not name"),
    })
    .describe("Sessions by outcome; they add up to sessions"),
  energyFromSolarKwh: kwh.describe("Energy charged from solar, kWh, exact decimal text with 3 decimals (rounded once per wallbox)"),
  savingsEur: eur.describe("Savings, EUR as the Partner API reports them, exact decimal text with 2 decimals (rounded once per wallbox)"),
  commandsSent: count.describe("HEMS commands sent to the wallbox"),
  commandsApplied: count.describe("Commands the wallbox applied"),
  commandsIneffective: count.describe("Commands that had no effect"),
  sessionsWithoutSavings: count.describe("Sessions whose savings_eur is null: they add nothing to savingsEur"),
  sessionsWithIncompletePriceCoverage: count.describe("Sessions without complete price coverage: their savings may be understated"),
  openSessions: count.describe("Sessions still running when read (ended_at null): their figures may still change"),
  sessionsStartedOutsidePeriod: count.describe("Sessions the API returned for the month whose started_at is outside its days"),
});

const wallboxIdentity = {
  userId: z.string().describe("The Podero user the wallbox belongs to"),
  wallboxId: z.string().describe("The wallbox"),
  label: z.string().nullable().describe("The label the wallbox config gives it, or null"),
};

export const wallboxReportSchema = z.discriminatedUnion("status", [
  z.object({ ...wallboxIdentity, status: z.literal("ok").describe("The wallbox was read: its figures follow"), ...figuresSchema.shape }),
  z.object({
    ...wallboxIdentity,
    status: z.literal("failed").describe("The wallbox could not be read: no figures, and the report is incomplete"),
    error: z.string().describe("Why the wallbox could not be read"),
  }),
]);

/**
 * The JSON report (schemaVersion 1), for systems that read it. A failed wallbox carries its
 * reason instead of figures; totals cover the wallboxes with status "ok", and `complete` is false
 * whenever any wallbox failed.
 */
export const monthlyReportSchema = z.object({
  schemaVersion: z.literal(1).describe("The contract's version: it changes whenever a field is added, removed, renamed or changes meaning"),
  orgId: z.string().describe("The Podero organisation"),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .describe("The reported month, YYYY-MM"),
  period: z
    .object({ from: day.describe("The first day, YYYY-MM-DD (UTC)"), to: day.describe("The last day, YYYY-MM-DD (UTC), inclusive") })
    .describe("The month's first and last day (UTC), as the Partner API was queried"),
  generatedAt: z.iso.datetime().describe("When the run read the Partner API (UTC)"),
  complete: z.boolean().describe("False when any wallbox could not be read: the totals then cover only the wallboxes read"),
  rules: z
    .object({
      periodMembership: z.string().describe("Which sessions count for the month"),
      rounding: z.string().describe("How money and energy are summed and rounded"),
    })
    .describe("Which sessions count for the month, and how figures are rounded, in words"),
  totals: figuresSchema.describe("Exact sums of the figures of the wallboxes read (status ok)"),
  wallboxes: z.array(wallboxReportSchema).describe("Every configured wallbox once, in report order (a user's wallboxes together)"),
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
