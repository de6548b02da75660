import { describe, expect, it } from "vitest";
import { formatSince, formatSpan, formatUtc } from "./format";

describe("criteria formatting", () => {
  it("formats UTC times and spans", () => {
    expect(formatUtc("2026-11-20T10:04:59.123Z")).toBe("2026-11-20 10:04 UTC");
    expect(formatUtc(null)).toBe("–");
    expect(formatUtc("garbage")).toBe("–");
    expect(formatSpan((3 * 24 + 4) * 3_600_000)).toBe("3 d 4 h");
    expect(formatSpan(125 * 60_000)).toBe("2 h 5 min");
    expect(formatSpan(45_000)).toBe("45 s");
    expect(formatSpan(-5)).toBe("0 s");
  });
});

describe("formatSince", () => {
  it("never turns a missing or epoch-zero date into 'since 1970'", () => {
    expect(formatSince(null, Date.now())).toBeNull();
    expect(formatSince("1970-01-01T00:00:00.000Z", Date.now())).toBeNull();
    expect(formatSince("not a date", Date.now())).toBeNull();
  });
  it("gives the date and how long ago", () => {
    const now = Date.parse("2026-12-05T12:00:00Z");
    expect(formatSince("2026-12-05T10:00:00Z", now)).toBe("2026-12-05 10:00 UTC (2 h 0 min)");
    expect(formatSince("2026-12-05T10:00:00Z", null)).toBe("2026-12-05 10:00 UTC");
  });
});
