import { isoWithOffset, localTimeText, type MonthWindow } from "../month/index.ts";

/** The rules a reader needs to reconcile the numbers; stated in the JSON, the workbook and docs/report-format.md. */
export const ROUNDING_RULE =
  "Each value is taken as the exact decimal its JSON number denotes (1.005 is 1.005). A wallbox's month is summed exactly and rounded once: savings to the cent (EUR, 2 decimals) and energy to the Wh (kWh, 3 decimals), ties away from zero. Org totals are the exact sums of the rounded wallbox figures, so every total reconciles with the rows beneath it. No floating-point arithmetic touches money.";

export const MONEY_RULE =
  "Amounts are in EUR, as the Partner API reports them; the API does not say whether they include VAT, so neither can this report.";

/**
 * Which sessions count for the month, in words, with its exact instants; `listedIn` says where
 * the sessions of neighbouring months are shown: the workbook lists each, the JSON counts them.
 */
export function periodRule(window: MonthWindow, listedIn: "the workbook" | "the report"): string {
  const at = (instant: string) => {
    const time = Date.parse(instant);
    return `${localTimeText(time, window.timeZone)} (${isoWithOffset(time, "UTC")})`;
  };
  const shown = listedIn === "the workbook" ? "the Data quality sheet lists each of them" : "each wallbox's sessionsOutsideMonth counts them";
  return (
    `A session belongs to the month in which it started, in ${window.timeZone}: ${window.month} runs from ${at(window.start)} up to, not including, ${at(window.end)}. ` +
    `The Partner API is asked for the UTC days ${window.from} to ${window.to}, inclusive, which cover that window. ` +
    `Sessions it returns that started outside the window belong to a neighbouring month: they count in no figure, and ${shown}.`
  );
}
