import { createHash, verify as cryptoVerify, generateKeyPairSync } from "node:crypto";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { groupDigits } from "@hems-reports/core/domain/email";
import { manifestSchema } from "@hems-reports/core/domain/report";
import { startSimulator } from "@hems-reports/simulator";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { ORG_ID, sessionItem } from "../support/api.ts";
import { testApp } from "../support/aws.ts";
import { boxes, fullRun, MONTH_PREFIX, objectJson, SCHEDULED_RUN, s3, scheduled, simulator, useFunctionsFixture } from "../support/functions.ts";

useFunctionsFixture();

describe("the finance email", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const links = {
    domain: "d111111abcdef8.cloudfront.net",
    keyPairId: "K2JCJMDEHXQW5F",
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
  const finance = { recipients: ["finance@acme.example"], links };

  /** A signed CloudFront URL checks out against the key group's public key, and is valid until `Expires`. */
  function checkSigned(link: string) {
    const url = new URL(link);
    const expires = Number(url.searchParams.get("Expires"));
    expect(url.searchParams.get("Key-Pair-Id")).toBe(links.keyPairId);
    const resource = `${url.origin}${url.pathname}`;
    const policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { "AWS:EpochTime": expires } } }] });
    const signature = Buffer.from(url.searchParams.get("Signature")!.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
    expect(cryptoVerify("RSA-SHA1", Buffer.from(policy), publicKey, signature)).toBe(true);
    return { key: decodeURIComponent(url.pathname.slice(1)), expires: new Date(expires * 1000) };
  }

  it("goes to finance once the report is the month's, with signed links to exactly the files the manifest names, valid 8 days", async () => {
    const app = testApp(s3, simulator, { finance });
    await scheduled(app);
    expect(app.sentEmails).toHaveLength(1);
    const mail = await simpleParser(app.sentEmails[0]!);
    // Its config is not the simulator's whole org: the state says so.
    expect(mail.subject).toBe("Acme Energie GmbH: HEMS savings report 2026-10: complete for 3 wallboxes, not the whole org");
    expect(mail.from?.text).toBe('"HEMS reports" <reports@acme.example>');
    const manifest = manifestSchema.parse(await objectJson(`${MONTH_PREFIX}manifest.json`));
    expect(mail.text).toContain(`Savings: ${groupDigits(manifest.totals.savingsEur)} EUR`);
    const signed = [...mail.text!.matchAll(/https:\/\/\S+/g)].map(([link]) => checkSigned(link));
    expect(signed.map((link) => link.key)).toEqual([
      manifest.files.xlsx.key,
      manifest.files.json.key,
      ...manifest.files.csv.map((file) => file.key),
      manifest.files.pdf!.key,
    ]);
    // The one-page summary travels with the email: the very file the manifest names.
    expect(mail.attachments.map((file) => [file.filename, file.contentType])).toEqual([["hems-savings-2026-10-summary.pdf", "application/pdf"]]);
    const attached = mail.attachments[0]!.content;
    expect(createHash("sha256").update(attached).digest("hex")).toBe(manifest.files.pdf!.sha256);
    for (const link of signed) expect(link.expires.getTime() - app.deps.now().getTime()).toBe(8 * 86_400_000);
    expect(mail.text).toContain("the links work until 2026-11-09T05:00:00.000Z");
    for (const secret of [links.privateKey.split("\n")[1]!, simulator.credentials.clientSecret])
      expect(app.sentEmails[0]!.toString()).not.toContain(secret);

    // The merge retried (say, after its status write failed): the email is not sent again.
    await app.handlers.merge({
      job: { runId: SCHEDULED_RUN, month: "2026-10", trigger: "schedule", requestedAt: app.deps.now().toISOString() },
    });
    expect(app.sentEmails).toHaveLength(1);
  });

  it("says what a rerun replaces and how the totals moved; a report that does not become the month's sends nothing", async () => {
    await scheduled(testApp(s3, simulator, { finance }));
    simulator.setSessions(boxes[0]!.wallboxId, [sessionItem(1, { savings_eur: 1.005 }), sessionItem(2, { savings_eur: 3 })]);
    const rerun = testApp(s3, simulator, { finance, now: new Date("2026-11-04T05:00:00Z"), firstRun: 2 });
    await fullRun(rerun);
    const mail = await simpleParser(rerun.sentEmails[0]!);
    expect(mail.subject).toBe(
      "Acme Energie GmbH: HEMS savings report 2026-10: complete for 3 wallboxes, not the whole org (replaces an earlier report)",
    );
    expect(mail.text).toContain(`It replaces the report of run ${SCHEDULED_RUN}, generated 2026-11-01T05:00:00.000Z (complete).`);
    expect(mail.text).toMatch(/Savings: [\d,.]+ → [\d,.]+ EUR \(\+0\.33\)/);
    // Which wallboxes moved: in the email, and beside the report as JSON for systems.
    const restatementKey = `${MONTH_PREFIX}runs/00000000-0000-4000-8000-000000000002/restatement.json`;
    expect(mail.text).toContain(`Wallboxes whose figures moved: 1; all of them, for systems, in ${restatementKey}:`);
    expect(mail.text).toContain(`Garage (wallbox ${boxes[0]!.wallboxId}): savings 3.68 → 4.01 EUR (+0.33), energy 3.000 → 3.000 kWh, sessions 2 → 2`);
    expect(await objectJson(restatementKey)).toEqual({
      schemaVersion: 1,
      month: "2026-10",
      replaces: expect.objectContaining({ runId: SCHEDULED_RUN, complete: true }),
      by: expect.objectContaining({ runId: "00000000-0000-4000-8000-000000000002", complete: true }),
      wallboxesCompared: true,
      wallboxes: [
        {
          wallboxId: boxes[0]!.wallboxId,
          label: "Garage",
          before: { status: "ok", sessions: 2, savingsEur: "3.68", energyFromSolarKwh: "3.000" },
          after: { status: "ok", sessions: 2, savingsEur: "4.01", energyFromSolarKwh: "3.000" },
        },
      ],
      movedWallboxes: 1,
    });
    // The merge runs again after all (say, its status write failed after the email's marker was
    // lost): the month names this run already, and the email still says what it replaced and
    // what moved, from the month's manifest and the restatement written before.
    const rerunId = "00000000-0000-4000-8000-000000000002";
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `work/${ORG_ID}/${rerunId}/finance-email-sent.json` }));
    const job = { runId: rerunId, month: "2026-10", trigger: "on-demand" as const, requestedAt: rerun.deps.now().toISOString() };
    await rerun.handlers.merge({ job });
    const again = await simpleParser(rerun.sentEmails[1]!);
    expect(again.subject).toBe(mail.subject);
    expect(again.text).toContain(`Wallboxes whose figures moved: 1; all of them, for systems, in ${restatementKey}:`);

    const failing = await startSimulator({
      seed: "aws",
      onSessionsRequest: (request) => (request.wallboxId === boxes[0]!.wallboxId ? { status: 404 } : undefined),
    });
    try {
      const incomplete = testApp(s3, failing, { finance, now: new Date("2026-11-05T05:00:00Z"), firstRun: 3 });
      expect(await fullRun(incomplete)).toMatchObject({ complete: false });
      expect(incomplete.sentEmails).toEqual([]);
    } finally {
      await failing.close();
    }
  });
});
