import { z } from "zod";
import { coverageSchema } from "../org/index.ts";

const eur = z.string().regex(/^-?\d+\.\d{2}$/, { error: "expected EUR as a decimal string with 2 decimals" });
const kwh = z.string().regex(/^-?\d+\.\d{3}$/, { error: "expected kWh as a decimal string with 3 decimals" });
const count = z.number().int().nonnegative();
const day = z.iso.date();
const instant = z.iso.datetime({ offset: true });
/** A ratio or a rate as exact decimal text with 4 decimals, or null where its denominator is 0. */
const ratio = (what: string) =>
  z
    .string()
    .regex(/^-?\d+\.\d{4}$/)
    .nullable()
    .describe(`${what}; decimal text with 4 decimals (rounded once, ties away from zero), null where the denominator is 0`);

// The descriptions are the published contract's (schema/): they say what each field means.
export const figuresSchema = z.object({
  sessions: count.describe("Sessions that started in the month (in its timezone): the sessions every other figure sums"),
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
  sessionsOutsideMonth: count.describe(
    "Sessions the Partner API returned for the query days that started in a neighbouring month (in the report's timezone): not in sessions, nor in any other figure",
  ),
});

const wallboxIdentity = {
  userId: z.string().describe("The Podero user the wallbox belongs to"),
  wallboxId: z.string().describe("The wallbox"),
  label: z.string().nullable().describe("The label the wallbox config gives it, or null"),
  externalUserId: z
    .string()
    .nullable()
    .describe("The partner's own customer number for the user (Podero's external_user_id), or null where the wallbox list gives none"),
  externalDeviceId: z.string().nullable().describe("The partner's own id for the wallbox (Podero's external_device_id), or null"),
  manufacturer: z.string().nullable().describe("The wallbox's manufacturer as Podero names it, or null"),
  model: z.string().nullable().describe("The wallbox's model as Podero names it, or null"),
};

export const wallboxReportSchema = z.discriminatedUnion("status", [
  z.object({ ...wallboxIdentity, status: z.literal("ok").describe("The wallbox was read: its figures follow"), ...figuresSchema.shape }),
  z.object({
    ...wallboxIdentity,
    status: z.literal("failed").describe("The wallbox could not be read: no figures, and the report is incomplete"),
    error: z.string().describe("Why the wallbox could not be read"),
  }),
]);

export const userReportSchema = z.object({
  userId: z.string().describe("The Podero user"),
  externalUserId: z.string().nullable().describe("The partner's own customer number for the user (external_user_id), or null"),
  wallboxes: count.min(1).describe("The user's configured wallboxes"),
  wallboxesFailed: count.describe("Of those, the wallboxes that could not be read: their figures are missing from figures"),
  figures: figuresSchema
    .nullable()
    .describe("Exact sums of the figures of the user's wallboxes read (so users add up to the totals); null when none could be read"),
});

/** One wallbox model's month, so operators see which models' steering does not take. */
export const modelReportSchema = z.object({
  manufacturer: z.string().nullable().describe("The manufacturer as Podero names it; null for wallboxes without one"),
  model: z.string().nullable().describe("The model as Podero names it; null for wallboxes without one"),
  wallboxes: count.describe("The report's wallboxes of this model, failed ones included"),
  wallboxesFailed: count.describe("Of those, the wallboxes that could not be read"),
  sessions: count.describe("Sessions of the model's wallboxes read"),
  steeringIneffective: count.describe("Of those, the sessions whose outcome is steering_ineffective"),
  shareSteeringIneffective: ratio("Sessions whose outcome is steering_ineffective ÷ sessions"),
  savingsEur: eur.describe("Exact sum of the savings of the model's wallboxes read (each rounded once)"),
  energyFromSolarKwh: kwh.describe("Exact sum of the energy from solar of the model's wallboxes read (each rounded once)"),
});

export const kpisSchema = z
  .object({
    shareOfSessionsChargedFromSolar: ratio("Sessions whose outcome is charged_from_solar ÷ sessions"),
    commandApplicationRate: ratio("Commands applied ÷ commands sent"),
    savingsPerKwhFromSolarEur: ratio("Savings ÷ energy from solar, EUR per kWh"),
    averageSavingsPerSessionEur: ratio("Savings ÷ sessions, EUR"),
  })
  .describe("Ratios of the totals, computed exactly from them");

/**
 * The JSON report (schemaVersion 4), for systems that read it. A failed wallbox carries its
 * reason instead of figures; totals cover the wallboxes with status "ok", and `complete` is false
 * whenever any wallbox failed or any user's wallboxes could not be listed. `coverage` says how
 * far the wallboxes cover the org as Podero counts it.
 */
export const monthlyReportSchema = z.object({
  schemaVersion: z.literal(4).describe("The contract's version: it changes whenever a field is added, removed, renamed or changes meaning"),
  orgId: z.string().describe("The Podero organisation"),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .describe("The reported month, YYYY-MM, in timezone"),
  timezone: z.string().min(1).describe("The IANA timezone the month is taken in, for example Europe/Vienna, or UTC"),
  window: z
    .object({
      start: instant.describe("The month's first instant, inclusive: midnight on its first day, with the timezone's offset"),
      end: instant.describe("The next month's first instant, exclusive, with the timezone's offset"),
    })
    .describe("The instants a session's started_at must fall in to count for the month"),
  apiQuery: z
    .object({ from: day.describe("The first UTC day, YYYY-MM-DD"), to: day.describe("The last UTC day, YYYY-MM-DD, inclusive") })
    .describe("The UTC days the Partner API was asked for (its from/to): they cover the window"),
  currency: z.literal("EUR").describe("The currency of every amount, as the Partner API reports it (see rules.money)"),
  generatedAt: z.iso.datetime().describe("When the run read the Partner API (UTC)"),
  complete: z
    .boolean()
    .describe(
      "False when any wallbox could not be read, or any user's wallboxes could not be listed (coverage.usersNotListed): the totals then cover only the wallboxes read",
    ),
  wallboxCounts: z
    .object({
      listed: count.describe("The wallboxes the report lists (the length of wallboxes)"),
      failed: count.describe("Of those, the wallboxes that could not be read (status failed)"),
    })
    .describe("How many wallboxes the report lists and how many failed, stated in the head so a reader need not count the array"),
  coverage: coverageSchema,
  rules: z
    .object({
      periodMembership: z.string().describe("Which sessions count for the month"),
      rounding: z.string().describe("How money and energy are summed and rounded"),
      money: z.string().describe("What the amounts are: currency, and what is known of VAT"),
    })
    .describe("Which sessions count for the month, how figures are rounded, and what the amounts are, in words"),
  totals: figuresSchema.describe("Exact sums of the figures of the wallboxes read (status ok)"),
  kpis: kpisSchema,
  caveats: z
    .object({
      openSessionsSavingsEur: eur
        .nullable()
        .describe("The savings of the sessions still open when read (they may still change), rounded once to the cent; null if unknown"),
      incompletePriceCoverageSavingsEur: eur
        .nullable()
        .describe("The savings of the sessions without complete price coverage (they may be understated), rounded once to the cent; null if unknown"),
    })
    .describe("The money behind the data-quality caveats; the counts are in totals"),
  byModel: z
    .array(modelReportSchema)
    .describe("Each wallbox model (manufacturer and model) of the report once, by manufacturer then model, wallboxes without either last"),
  users: z.array(userReportSchema).describe("Every user with a configured wallbox once, in report order"),
  wallboxes: z.array(wallboxReportSchema).describe("Every configured wallbox once, in report order (a user's wallboxes together)"),
});

export type FiguresJson = z.infer<typeof figuresSchema>;
export type WallboxReport = z.infer<typeof wallboxReportSchema>;
export type UserReport = z.infer<typeof userReportSchema>;
export type ModelReport = z.infer<typeof modelReportSchema>;
export type Kpis = z.infer<typeof kpisSchema>;
export type MonthlyReport = z.infer<typeof monthlyReportSchema>;

const reportHeadSchema = monthlyReportSchema.omit({ users: true, wallboxes: true });

/** Everything of a report but its users' and wallboxes' entries, which are streamed (see `WallboxEntries`). */
export type ReportHead = z.infer<typeof reportHeadSchema>;

/**
 * Checks a report against the schema without making a copy of it: its head whole, its users and
 * wallboxes one by one, so a large org's rows never exist twice. Throws on the first problem.
 */
export function assertMonthlyReport(report: MonthlyReport): MonthlyReport {
  report.wallboxes.forEach(assertWallboxEntry);
  report.users.forEach((user, index) => {
    const result = userReportSchema.safeParse(user);
    if (!result.success) throw new Error(`the report's users[${index}] does not match its schema: ${result.error.message}`);
  });
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
  const { wallboxes: _entries, users: _users, ...head } = report as Head & { wallboxes?: unknown; users?: unknown };
  reportHeadSchema.parse(head);
  return report;
}
