import { describe, expect, it } from "vitest";
import { formatAge, formatUtcTime, timeAgo } from "./time";

describe("one time format", () => {
  it("writes ages compactly, never as decimals", () => {
    expect(formatAge(12.7)).toBe("12 s");
    expect(formatAge(600)).toBe("10 min");
    expect(formatAge(6180)).toBe("1 h 43 min");
    expect(formatAge(7200)).toBe("2 h");
    expect(formatAge(2 * 86_400 + 4 * 3600 + 59)).toBe("2 d 4 h");
    expect(formatAge(40 * 86_400)).toBe("40 d");
  });
  it("says 'ago' once the clock runs, and the UTC time before", () => {
    const now = Date.parse("2026-12-05T14:00:00Z");
    expect(timeAgo("2026-12-05T12:17:00Z", now)).toBe("1 h 43 min ago");
    expect(timeAgo("2026-12-05T12:17:00Z", null)).toBe("2026-12-05 12:17:00 UTC");
    expect(timeAgo(null, now)).toBe("—");
    expect(formatUtcTime("bad")).toBe("—");
  });
});
