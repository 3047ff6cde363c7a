export { EmailError, sesEmailSender } from "./email-sender.ts";
