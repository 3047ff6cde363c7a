export { canonicalTimeZone, isoWithOffset, isTimeZone, localTimeText, MonthError, monthAt, wallClockDate } from "./local-time.ts";
export { type MonthWindow, monthWindow, parseMonth, previousFullMonth, startsWithin } from "./window.ts";
