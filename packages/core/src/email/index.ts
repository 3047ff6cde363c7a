export {
  caveats,
  type EmailFile,
  FAILED_LISTED,
  type FailedWallbox,
  type FinanceEmail,
  type FinanceEmailInput,
  financeEmail,
  groupDigits,
  type Replaced,
} from "./finance-email.ts";
export { composeMime, type Envelope } from "./mime.ts";
export type { EmailSender, LinkSigner } from "./ports.ts";
