export { groupDigits } from "../money/index.ts";
export { caveats } from "../report/index.ts";
export {
  type EmailFile,
  FAILED_LISTED,
  type FailedWallbox,
  type FinanceEmail,
  type FinanceEmailInput,
  financeEmail,
  type Replaced,
} from "./finance-email.ts";
