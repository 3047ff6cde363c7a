import { describe, expect, it } from "vitest";
import { MonthError, monthWindow, parseMonth, previousFullMonth, startsWithin } from "./index.ts";

const now = new Date("2026-11-25T10:00:00Z");

describe("month windows", () => {
  it("defaults to the previous full month", () => {
    // The whole window of a UTC month is in window.test.ts.
    expect(previousFullMonth(now)).toEqual(monthWindow("2026-10"));
    expect(previousFullMonth(new Date("2027-01-01T00:00:00Z"))).toMatchObject({ month: "2026-12", from: "2026-12-01", to: "2026-12-31" });
    expect(previousFullMonth(new Date("2026-03-31T23:59:59Z"))).toMatchObject({ month: "2026-02", from: "2026-02-01", to: "2026-02-28" });
  });

  it("knows leap-year February and December", () => {
    expect(parseMonth("2024-02", now)).toMatchObject({ month: "2024-02", from: "2024-02-01", to: "2024-02-29" });
    expect(parseMonth("2025-02", now).to).toBe("2025-02-28");
    expect(parseMonth("2028-02", new Date("2028-03-01T00:00:00Z")).to).toBe("2028-02-29");
    expect(parseMonth("2100-02", new Date("2100-03-02T00:00:00Z")).to).toBe("2100-02-28");
    expect(parseMonth("2025-12", now)).toMatchObject({ month: "2025-12", from: "2025-12-01", to: "2025-12-31" });
    expect(parseMonth("2026-04", now).to).toBe("2026-04-30");
  });

  it("refuses malformed months with a message that says why", () => {
    expect(() => parseMonth("2026-13", now)).toThrow(/no month 13/);
    expect(() => parseMonth("2026-00", now)).toThrow(/no month 00/);
    expect(() => parseMonth("2026-1", now)).toThrow(/YYYY-MM/);
    expect(() => parseMonth("October", now)).toThrow(MonthError);
    expect(() => parseMonth("1999-12", now)).toThrow(/before 2000/);
  });

  it("refuses the running month and future months", () => {
    expect(() => parseMonth("2026-11", now)).toThrow(/has not ended yet in UTC.*latest full month is 2026-10/);
    expect(() => parseMonth("2027-01", now)).toThrow(MonthError);
    expect(parseMonth("2026-10", new Date("2026-11-01T00:00:00Z")).month).toBe("2026-10");
  });

  it("ends a month when it has ended in the report's timezone", () => {
    // 23:30 UTC on 31 October is already November in Vienna, still October in New York.
    const lateOctober = new Date("2026-10-31T23:30:00Z");
    expect(parseMonth("2026-10", lateOctober, "Europe/Vienna").month).toBe("2026-10");
    expect(previousFullMonth(lateOctober, "Europe/Vienna").month).toBe("2026-10");
    expect(() => parseMonth("2026-10", lateOctober, "America/New_York")).toThrow(/not ended yet in America\/New_York.*latest full month is 2026-09/);
    expect(previousFullMonth(lateOctober)).toMatchObject({ month: "2026-09" });
    expect(previousFullMonth(new Date("2026-12-31T23:30:00Z"), "Europe/Vienna")).toMatchObject({
      month: "2026-12",
      start: "2026-11-30T23:00:00.000Z",
    });
  });

  it("tells whether a start time falls in a UTC month", () => {
    const october = parseMonth("2026-10", now);
    expect(startsWithin(october)("2026-10-01T00:00:00Z")).toBe(true);
    expect(startsWithin(october)("2026-10-31T23:59:59.999Z")).toBe(true);
    expect(startsWithin(october)("2026-11-01T00:30:00+01:00")).toBe(true);
    expect(startsWithin(october)("2026-09-30T23:59:59Z")).toBe(false);
    expect(startsWithin(october)("2026-11-01T00:00:00Z")).toBe(false);
  });
});
