/** The rules a reader needs to reconcile the numbers; stated in the JSON, the workbook and the README. */
export const ROUNDING_RULE =
  "Each value is taken as the exact decimal its JSON number denotes (1.005 is 1.005). A wallbox's month is summed exactly and rounded once: savings to the cent (EUR, 2 decimals) and energy to the Wh (kWh, 3 decimals), ties away from zero. Org totals are the exact sums of the rounded wallbox figures, so every total reconciles with the rows beneath it. No floating-point arithmetic touches money.";

export const PERIOD_RULE =
  "A session belongs to the month the Partner API returns it for (query from/to = the month's first and last UTC day, inclusive). Sessions whose started_at falls outside those days are still counted and are listed on the Data quality sheet.";
