import { describe, expect, it } from "vitest";
import { isoWithOffset, monthWindow as localMonthWindow, localTimeText, MonthError, monthAt, startsWithin, wallClockDate } from "./index.ts";

const hours = (window: { start: string; end: string }) => (Date.parse(window.end) - Date.parse(window.start)) / 3_600_000;

describe("months in a timezone", () => {
  it("keeps a UTC month's own days", () => {
    expect(localMonthWindow("2026-10", "UTC")).toEqual({
      month: "2026-10",
      timeZone: "UTC",
      start: "2026-10-01T00:00:00.000Z",
      end: "2026-11-01T00:00:00.000Z",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    expect(localMonthWindow("2024-02", "UTC")).toMatchObject({ from: "2024-02-01", to: "2024-02-29" });
  });

  it("takes Vienna's months across the changes of the clocks, and asks the API for the UTC days that cover them", () => {
    // October 2026 ends with the change back to winter time: 745 hours.
    expect(localMonthWindow("2026-10", "Europe/Vienna")).toMatchObject({
      start: "2026-09-30T22:00:00.000Z",
      end: "2026-10-31T23:00:00.000Z",
      from: "2026-09-30",
      to: "2026-10-31",
    });
    expect(hours(localMonthWindow("2026-10", "Europe/Vienna"))).toBe(745);
    // March 2026 has the change to summer time (the 29th): 743 hours.
    expect(localMonthWindow("2026-03", "Europe/Vienna")).toMatchObject({ start: "2026-02-28T23:00:00.000Z", end: "2026-03-31T22:00:00.000Z" });
    expect(hours(localMonthWindow("2026-03", "Europe/Vienna"))).toBe(743);
    // Across the year's end.
    expect(localMonthWindow("2026-12", "Europe/Vienna")).toMatchObject({ start: "2026-11-30T23:00:00.000Z", end: "2026-12-31T23:00:00.000Z" });
    expect(localMonthWindow("2027-01", "Europe/Vienna").start).toBe("2026-12-31T23:00:00.000Z");
  });

  it("works west of UTC and far east of it", () => {
    // New York: November 2026 begins on the day the clocks go back.
    expect(localMonthWindow("2026-11", "America/New_York")).toMatchObject({
      start: "2026-11-01T04:00:00.000Z",
      end: "2026-12-01T05:00:00.000Z",
      from: "2026-11-01",
      to: "2026-12-01",
    });
    expect(localMonthWindow("2026-10", "Asia/Tokyo")).toMatchObject({ start: "2026-09-30T15:00:00.000Z", end: "2026-10-31T15:00:00.000Z" });
  });

  it("puts every instant in exactly one month, and one month's end is the next one's start", () => {
    const zones = ["UTC", "Europe/Vienna", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"];
    const months = Array.from({ length: 36 }, (_, index) => `${2025 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
    for (const zone of zones) {
      const windows = months.map((month) => localMonthWindow(month, zone));
      for (let index = 1; index < windows.length; index++) expect(windows[index]!.start, `${zone} ${months[index]}`).toBe(windows[index - 1]!.end);
      // The window begins exactly where the wall clock turns to the month.
      for (const window of windows) {
        expect(monthAt(Date.parse(window.start), zone), `${zone} ${window.month}`).toBe(window.month);
        expect(monthAt(Date.parse(window.start) - 1, zone), `${zone} ${window.month}`).not.toBe(window.month);
      }
      // Instants spread over the middle year, some on the hour where clocks change.
      for (let step = 0; step < 400; step++) {
        const instant = new Date(Date.parse("2026-01-01T00:00:00Z") + step * 21.9 * 3_600_000 + (step % 7) * 60_000).toISOString();
        expect(
          windows.filter((window) => startsWithin(window)(instant)),
          `${zone} ${instant}`,
        ).toHaveLength(1);
      }
    }
  });

  it("counts a session by when it started, in the month's timezone", () => {
    const october = localMonthWindow("2026-10", "Europe/Vienna");
    expect(startsWithin(october)("2026-10-01T00:30:00+02:00")).toBe(true); // 22:30Z on 30 September
    expect(startsWithin(october)("2026-09-30T23:59:59+02:00")).toBe(false);
    expect(startsWithin(october)("2026-11-01T00:00:00+01:00")).toBe(false);
  });

  it("writes instants as people in the timezone read them", () => {
    const october = localMonthWindow("2026-10", "Europe/Vienna");
    expect(isoWithOffset(Date.parse(october.start), "Europe/Vienna")).toBe("2026-10-01T00:00:00+02:00");
    expect(isoWithOffset(Date.parse(october.end), "Europe/Vienna")).toBe("2026-11-01T00:00:00+01:00");
    expect(isoWithOffset(Date.parse(october.end), "UTC")).toBe("2026-10-31T23:00:00Z");
    expect(isoWithOffset(Date.parse("2026-11-01T04:00:00Z"), "America/New_York")).toBe("2026-11-01T00:00:00-04:00");
    expect(isoWithOffset(Date.parse("2026-11-01T07:00:00Z"), "America/New_York")).toBe("2026-11-01T02:00:00-05:00");
    expect(isoWithOffset(Date.parse("2026-10-01T00:00:00Z"), "Asia/Kolkata")).toBe("2026-10-01T05:30:00+05:30");
    expect(localTimeText(Date.parse("2026-09-30T22:30:00Z"), "Europe/Vienna")).toBe("2026-10-01 00:30");
    // The hour that repeats when the clocks go back reads the same twice.
    expect(wallClockDate(Date.parse("2026-10-25T00:30:00Z"), "Europe/Vienna").toISOString()).toBe("2026-10-25T02:30:00.000Z");
    expect(wallClockDate(Date.parse("2026-10-25T01:30:00Z"), "Europe/Vienna").toISOString()).toBe("2026-10-25T02:30:00.000Z");
    expect(monthAt(Date.parse("2026-09-30T22:30:00Z"), "Europe/Vienna")).toBe("2026-10");
    expect(monthAt(Date.parse("2026-09-30T22:30:00Z"), "UTC")).toBe("2026-09");
  });

  it("begins a month at its first midnight where midnight comes twice, and where it is skipped at the first instant after", () => {
    // Gaza, October 2004: the clocks went back from 01:00 to 00:00 on the 1st (+03 to +02).
    expect(localMonthWindow("2004-10", "Asia/Gaza").start).toBe("2004-09-30T21:00:00.000Z");
    // Asunción, 1 October 2017: the clocks skipped from 00:00 to 01:00, so October began at 01:00 (-03).
    const asuncion = localMonthWindow("2017-10", "America/Asuncion");
    expect(asuncion.start).toBe("2017-10-01T04:00:00.000Z");
    expect(isoWithOffset(Date.parse(asuncion.start), "America/Asuncion")).toBe("2017-10-01T01:00:00-03:00");
  });

  it("writes a timezone's name as IANA does", () => {
    expect(localMonthWindow("2026-10", "europe/vienna").timeZone).toBe("Europe/Vienna");
    expect(localMonthWindow("2026-10", "Etc/UTC")).toEqual(localMonthWindow("2026-10", "UTC"));
  });

  it("names a timezone it does not know", () => {
    expect(() => localMonthWindow("2026-10", "Europe/Vienn")).toThrow(
      new MonthError('timezone "Europe/Vienn" is not an IANA timezone (for example Europe/Vienna or UTC)'),
    );
  });
});
