import { UsageError } from "@hems-reports/core/shared/errors";

export { UsageError } from "@hems-reports/core/shared/errors";

import { parseArgs } from "node:util";
import type { ApiCredentials } from "@hems-reports/core/adapters/credentials";
import { canonicalTimeZone, isTimeZone } from "@hems-reports/core/domain/month";
import { formatIssues, httpUrl } from "@hems-reports/core/shared/validation";
import { z } from "zod";

export const HELP = `Usage: npm run report -- [options]

Writes the monthly HEMS savings report (an Excel workbook, a JSON report and the session detail
as CSV) for every wallbox in the config. Without --api-url it runs against the built-in Partner API simulator, so it works on
a laptop with no account.

Options:
  --month YYYY-MM         month to report; only fully ended months. Default: the previous month
  --timezone ZONE         the IANA timezone months are taken in, e.g. Europe/Vienna: a session
                          belongs to the month in which it started there. Default: UTC
  --api-url URL           Partner API origin, e.g. https://sandbox-app.podero.com.
                          Default: start the built-in simulator on a free loopback port
  --token-url URL         OAuth2 token endpoint. Default: {api-url}/oauth2/token/
  --config FILE           wallbox config: JSON, or JSON Lines when FILE ends in .jsonl (large
                          orgs; see README, Config). Required with --api-url; default with the
                          simulator: its demo org
  --wallboxes-from SOURCE config (default): the wallboxes --config lists (or the simulator's demo
                          org); api: every wallbox of the org, from the Partner API's users and
                          their wallboxes (deleted ones left out), written beside the report as
                          wallboxes-YYYY-MM.jsonl, from which the run can be repeated (--config).
                          Either way the wallboxes are checked against the org's users list: a
                          report that covers fewer than Podero counts says so
  --org-id UUID           the organisation, with --wallboxes-from api and --api-url
  --out DIR               folder for the report files. Default: ./reports
  --concurrency N         wallboxes read at once, 1 to 64. Default: 8
  --shards N              split the wallboxes into N shards, read one after another and merged,
                          as the cloud run's workflow does (a user's wallboxes stay together;
                          the report is the same for any N). Default: 1
  --request-timeout S     seconds one API request may take, body included. Default: 30
  --max-retry-wait S      seconds one wallbox may spend waiting to retry (Retry-After and
                          backoff), over all its requests; past it the wallbox fails. Default: 180
  --seed TEXT             simulator only: seed of the generated data. Default: hems-reports-demo
  --wallboxes N           simulator only: wallboxes in the demo org. Default: 25
  --max-workbook-sessions N
                          the most sessions the workbook lists; past it, its Sessions sheet
                          points to the CSV session detail, which always holds every session.
                          Default: 1000000
  --email-out FILE        also write the email finance would receive (a MIME .eml message:
                          totals, caveats, failed wallboxes, links to the files written)
  --email-to LIST         its recipients, comma-separated. Default: finance@example.com
  --email-from ADDRESS    its sender. Default: HEMS reports <hems-reports@example.com>
  --org-label TEXT        how the email names the organisation. Default: the config's org id
  --quiet                 no progress lines, only the closing summary
  -h, --help              this text

Environment (with --api-url; never printed):
  PODERO_API_TOKEN                          a bearer token, or
  PODERO_CLIENT_ID + PODERO_CLIENT_SECRET   OAuth2 client credentials, exchanged for a token

Exit status: 0 complete report written (it says so when it covers fewer wallboxes than Podero
counts for the org); 1 report written but INCOMPLETE (a wallbox failed, or a user's wallboxes
could not be listed; the report lists why); 2 nothing written (bad option, config, output folder
or credentials, an unreachable API, not one wallbox read);
3 unexpected error, nothing written; 130 interrupted (Ctrl+C) or 143 terminated (SIGTERM),
nothing written.

Ctrl+C and SIGTERM stop the reads and remove temporary files. A signal that arrives once the
report's files are complete no longer stops it: they are moved into place in full, the run says
so, and the exit status is the report's (0 or 1). A second signal ends the process at once.
`;

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number` })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { error: `${name} must be from ${min} to ${max}` });

const optionsSchema = z.object({
  help: z.boolean().default(false),
  quiet: z.boolean().default(false),
  month: z.string().optional(),
  timezone: z
    .string()
    .refine(isTimeZone, { error: (issue) => `--timezone "${issue.input}" is not an IANA timezone (for example Europe/Vienna or UTC)` })
    .transform(canonicalTimeZone)
    .default("UTC"),
  "api-url": httpUrl("--api-url").optional(),
  "token-url": httpUrl("--token-url").optional(),
  config: z.string().min(1).optional(),
  "wallboxes-from": z.enum(["config", "api"], { error: "--wallboxes-from takes config or api" }).default("config"),
  "org-id": z.guid({ error: "--org-id must be the organisation's uuid" }).optional(),
  out: z.string().min(1).default("reports"),
  concurrency: wholeNumber("--concurrency", 1, 64).default(8),
  shards: wholeNumber("--shards", 1, 10_000).default(1),
  "request-timeout": wholeNumber("--request-timeout", 1, 600).default(30),
  "max-retry-wait": wholeNumber("--max-retry-wait", 0, 3600).default(180),
  "max-workbook-sessions": wholeNumber("--max-workbook-sessions", 0, 100_000_000).default(1_000_000),
  seed: z.string().min(1).default("hems-reports-demo"),
  wallboxes: wholeNumber("--wallboxes", 1, 1_000_000).default(25),
  "email-out": z.string().min(1).optional(),
  "email-to": z
    .string()
    .default("finance@example.com")
    .transform((text) => text.split(",").map((address) => address.trim()))
    .pipe(z.array(z.email({ error: "--email-to must list email addresses, comma-separated" })).min(1)),
  "email-from": z.string().min(3).default("HEMS reports <hems-reports@example.com>"),
  "org-label": z.string().min(1).optional(),
});

export type CliOptions = z.output<typeof optionsSchema>;

export function parseOptions(argv: readonly string[]): CliOptions {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        quiet: { type: "boolean" },
        month: { type: "string" },
        timezone: { type: "string" },
        "api-url": { type: "string" },
        "token-url": { type: "string" },
        config: { type: "string" },
        "wallboxes-from": { type: "string" },
        "org-id": { type: "string" },
        out: { type: "string" },
        concurrency: { type: "string" },
        shards: { type: "string" },
        "request-timeout": { type: "string" },
        "max-retry-wait": { type: "string" },
        "max-workbook-sessions": { type: "string" },
        seed: { type: "string" },
        wallboxes: { type: "string" },
        "email-out": { type: "string" },
        "email-to": { type: "string" },
        "email-from": { type: "string" },
        "org-label": { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. See --help.`);
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(`${formatIssues(parsed.error)}. See --help.`);
  const options = parsed.data;
  if (options["api-url"] && !options.config && options["wallboxes-from"] === "config") {
    throw new UsageError(
      "--config is required with --api-url: name the wallboxes to report (see README, Config), or take them from the API with --wallboxes-from api.",
    );
  }
  if (options["api-url"] && options["wallboxes-from"] === "api" && !options["org-id"]) {
    throw new UsageError("--org-id is required with --wallboxes-from api and --api-url: the organisation whose users' wallboxes to report.");
  }
  if (options.config && options["wallboxes-from"] === "api") {
    throw new UsageError("--config and --wallboxes-from api name the wallboxes twice: give one (--config FILE names the org with its wallboxes).");
  }
  if (options["token-url"] && !options["api-url"]) throw new UsageError("--token-url only applies with --api-url.");
  return options;
}

/** Credentials from the environment; their values never appear in a message. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): ApiCredentials {
  const token = env.PODERO_API_TOKEN?.trim();
  const clientId = env.PODERO_CLIENT_ID?.trim();
  const clientSecret = env.PODERO_CLIENT_SECRET?.trim();
  if (token && (clientId || clientSecret)) {
    throw new UsageError("set either PODERO_API_TOKEN or PODERO_CLIENT_ID and PODERO_CLIENT_SECRET, not both.");
  }
  if (token) return { kind: "token", token };
  if (clientId && clientSecret) return { kind: "client", clientId, clientSecret };
  if (clientId || clientSecret) {
    throw new UsageError(`${clientId ? "PODERO_CLIENT_SECRET" : "PODERO_CLIENT_ID"} is not set: client credentials need both.`);
  }
  throw new UsageError(
    "no API credentials: set PODERO_API_TOKEN, or PODERO_CLIENT_ID and PODERO_CLIENT_SECRET (or leave out --api-url to use the simulator).",
  );
}
