import { describe, expect, it } from "vitest";
import { formatSpan, formatUtc } from "./format";

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
