import { createHash } from "node:crypto";
import type { Manifest, MonthTotals } from "../domain/report/index.ts";
import type { RunJob } from "../domain/run/index.ts";
import { composeMime } from "../formats/mime/index.ts";
import type { ReportContent } from "../pipeline/index.ts";
import { financeEmailFor } from "../pipeline/index.ts";
import { hasWorkObject, type WorkStore } from "../ports/index.ts";
import type { WorkflowDeps } from "./contract.ts";
import type { MonthPublication } from "./month-manifest.ts";
import type { Restated } from "./restate.ts";

/** Marks a run's finance email as sent, so a retried merge does not send it twice. */
export const EMAIL_SENT_KEY = "finance-email-sent.json";

/**
 * Sends finance the month's report when it became the month's: the email with its totals, caveats,
 * failed wallboxes, what it replaces, and signed links to exactly the files the manifest names.
 * Answers why no email went out, or undefined when one did.
 */
export async function sendFinanceEmail(
  deps: WorkflowDeps,
  job: RunJob,
  work: WorkStore,
  content: ReportContent,
  manifest: Manifest,
  publication: MonthPublication,
  extra: { restated?: Restated | undefined; previousMonth?: MonthTotals | undefined; summaryPdf?: Buffer | undefined } = {},
): Promise<string | undefined> {
  const { restated, previousMonth, summaryPdf } = extra;
  const finance = deps.finance;
  if (!finance || finance.recipients.length === 0) return "no finance recipients are configured";
  if (publication.placement !== "month") return "the report did not become the month's";
  if (await hasWorkObject(work, EMAIL_SENT_KEY)) return "sent before, by an earlier attempt";
  // Overlapping runs: a newer report may have replaced this one since it was published.
  const month = await deps.records.readMonthManifest(manifest.month);
  if (month?.manifest.runId !== manifest.runId) return `a newer report (run ${month?.manifest.runId}) replaced this one meanwhile`;
  const keys = [manifest.files.xlsx, manifest.files.json, ...manifest.files.csv, ...(manifest.files.pdf ? [manifest.files.pdf] : [])];
  const files = await Promise.all(
    keys.map(async (file) => ({ ...file, location: file.key, ...(finance.links ? { url: await finance.links.link(file.key) } : {}) })),
  );
  const replaced = publication.replaced;
  const email = await financeEmailFor(content, manifest, {
    orgLabel: finance.orgLabel ?? content.organizationName,
    ...(previousMonth ? { previousMonth } : {}),
    files,
    ...(finance.links ? { linksExpireAt: finance.links.expiresAt() } : {}),
    ...(replaced
      ? {
          replaced: {
            runId: replaced.runId,
            generatedAt: replaced.generatedAt,
            complete: replaced.complete,
            totals: replaced.totals,
            ...(restated
              ? {
                  moved: {
                    compared: restated.compared,
                    count: restated.moved,
                    first: restated.first,
                    location: restated.file.key ?? restated.file.name,
                  },
                }
              : {}),
          },
        }
      : {}),
  });
  // Only the bytes the manifest vouches for: a retried merge keeps the file an earlier attempt
  // stored, which may differ (the earlier months it read may have changed); the link still works.
  const pdf = manifest.files.pdf;
  const vouched = summaryPdf && pdf && createHash("sha256").update(summaryPdf).digest("hex") === pdf.sha256;
  const attachments = vouched ? [{ filename: pdf.name, content: summaryPdf, contentType: "application/pdf" }] : [];
  const raw = await composeMime(email, {
    from: finance.from,
    to: finance.recipients,
    date: deps.now(),
    messageId: `<${job.runId}@hems-reports>`,
    attachments,
  });
  await finance.sender.send(raw);
  deps.log.info("finance email sent", { runId: job.runId, recipients: finance.recipients.length, subject: email.subject });
  // Sent at least once: should the marker not be written, a retried step sends it again (and says so here).
  await work
    .create(EMAIL_SENT_KEY, async (out) => void out.end(`${JSON.stringify({ sentAt: deps.now().toISOString(), subject: email.subject })}\n`))
    .catch((error: unknown) =>
      deps.log.warn("finance email sent, but its marker was not written: a retry of this step would send it again", {
        runId: job.runId,
        error: (error as Error).message,
      }),
    );
  return undefined;
}
