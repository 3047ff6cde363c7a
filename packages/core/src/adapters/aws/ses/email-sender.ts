import { EmailError } from "../../../shared/errors/index.ts";

export { EmailError } from "../../../shared/errors/index.ts";

import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { EmailSender } from "../../../ports/index.ts";
import { AWS_CLIENT_TIMEOUTS } from "../clients/index.ts";

/**
 * Sends through Amazon SES (v2) as a raw MIME message: the same bytes `--email-out` writes. The
 * sender must be an identity verified in SES (docs/operations.md, Deploy); the message's To header names
 * the recipients.
 */
export function sesEmailSender(client: SESv2Client = new SESv2Client(AWS_CLIENT_TIMEOUTS)): EmailSender {
  return {
    async send(raw) {
      try {
        await client.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
      } catch (error) {
        throw new EmailError(`SES did not send the email: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
