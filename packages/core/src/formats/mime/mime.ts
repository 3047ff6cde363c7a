import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { FinanceEmail } from "../../domain/email/index.ts";

export interface Envelope {
  /** A verified SES sender identity, for example `HEMS reports <reports@example.com>`. */
  from: string;
  to: readonly string[];
  /** When the message is dated (the run's end); fixed so the same run gives the same message. */
  date: Date;
  /** A stable id (the run's), so a resent message is recognisably the same. */
  messageId: string;
  /** Files sent with the message (the one-page PDF summary: small, unlike the workbook and the CSV, which are linked). */
  attachments?: readonly { filename: string; content: Buffer; contentType: string }[];
}

/**
 * The email as one MIME message (RFC 5322: plain text and HTML alternatives, UTF-8), as SES sends
 * it raw and as `npm run report -- --email-out` writes it. Nodemailer's composer does the encoding.
 */
export async function composeMime(email: FinanceEmail, envelope: Envelope): Promise<Buffer> {
  const composer = new MailComposer({
    from: envelope.from,
    to: [...envelope.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
    date: envelope.date,
    messageId: envelope.messageId,
    ...(envelope.attachments?.length ? { attachments: envelope.attachments.map((file) => ({ ...file })) } : {}),
  });
  return composer.compile().build();
}
