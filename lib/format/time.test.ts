import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatDurationMs,
  formatHoursRounded,
  formatMs,
  formatOffset,
  formatSince,
  formatUtcClock,
  formatUtcRange,
  formatUtcTick,
  formatUtcTime,
  timeAgo,
} from "./time";

describe("durations and ages", () => {
  it("write the two largest whole units, rounded down, never decimals", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(4.4)).toBe("4 s");
    expect(formatDuration(12.7)).toBe("12 s");
    expect(formatDuration(59.99)).toBe("59 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(125)).toBe("2 min");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(3599)).toBe("59 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(6180)).toBe("1 h 43 min");
    expect(formatDuration(7200)).toBe("2 h");
    expect(formatDuration(3600 * 3 + 60 * 12)).toBe("3 h 12 min");
    expect(formatDuration(86_400)).toBe("1 d");
    expect(formatDuration(3600 * 52)).toBe("2 d 4 h");
    expect(formatDuration(200_000)).toBe("2 d 7 h");
    expect(formatDuration(86_400 * 3 + 5)).toBe("3 d");
    expect(formatDuration(40 * 86_400)).toBe("40 d");
  });
  it("read a negative span (clock skew) as 0 s and a missing one as —", () => {
    expect(formatDuration(-5)).toBe("0 s");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("—");
  });
  it("take milliseconds for the span between two instants", () => {
    expect(formatDurationMs((3 * 24 + 4) * 3_600_000)).toBe("3 d 4 h");
    expect(formatDurationMs(3 * 86_400_000)).toBe("3 d");
    expect(formatDurationMs(125 * 60_000)).toBe("2 h 5 min");
    expect(formatDurationMs(2 * 3_600_000)).toBe("2 h");
    expect(formatDurationMs(90_000)).toBe("1 min");
    expect(formatDurationMs(45_000)).toBe("45 s");
    expect(formatDurationMs(-5)).toBe("0 s");
    expect(formatDurationMs(null)).toBe("—");
  });
});

describe("a day bar's shares", () => {
  it("round to the hour, or to the minute below an hour, never to nothing", () => {
    expect(formatHoursRounded(19.6 * 3_600_000)).toBe("20 h");
    expect(formatHoursRounded(3_600_000)).toBe("1 h");
    expect(formatHoursRounded(25 * 60_000)).toBe("25 min");
    expect(formatHoursRounded(5_000)).toBe("1 min");
  });
});

describe("relative times", () => {
  const now = Date.parse("2026-12-05T14:00:00Z");
  it("say 'ago' once the clock runs, and the UTC time before", () => {
    expect(timeAgo("2026-12-05T13:59:30Z", now)).toBe("30 s ago");
    expect(timeAgo("2026-12-05T13:58:00Z", now)).toBe("2 min ago");
    expect(timeAgo("2026-12-05T12:17:00Z", now)).toBe("1 h 43 min ago");
    expect(timeAgo("2026-12-03T10:00:00Z", now)).toBe("2 d 4 h ago");
    expect(timeAgo("2026-12-05T14:00:05Z", now)).toBe("0 s ago");
    expect(timeAgo("2026-12-05T12:17:00Z", null)).toBe("2026-12-05 12:17:00 UTC");
  });
  it("give — for a missing or unreadable time", () => {
    expect(timeAgo(null, now)).toBe("—");
    expect(timeAgo("", now)).toBe("—");
    expect(timeAgo("garbage", now)).toBe("—");
  });
  it("name a state's start and how long it has held, never 'since 1970'", () => {
    const t = Date.parse("2026-12-05T12:00:00Z");
    expect(formatSince("2026-12-05T10:00:00Z", t)).toBe("2026-12-05 10:00 UTC (2 h)");
    expect(formatSince("2026-12-02T08:00:00Z", t)).toBe("2026-12-02 08:00 UTC (3 d 4 h)");
    expect(formatSince("2026-12-05T10:00:00Z", null)).toBe("2026-12-05 10:00 UTC");
    expect(formatSince("2026-12-05T13:00:00Z", t)).toBe("2026-12-05 13:00 UTC");
    expect(formatSince(null, t)).toBeNull();
    expect(formatSince("1970-01-01T00:00:00.000Z", t)).toBeNull();
    expect(formatSince("not a date", t)).toBeNull();
  });
});

describe("absolute UTC times", () => {
  it("to the second or to the minute, from an ISO string or epoch ms", () => {
    expect(formatUtcTime("2026-11-20T10:04:59.123Z")).toBe("2026-11-20 10:04:59 UTC");
    expect(formatUtcTime(Date.UTC(2026, 10, 20, 10, 4, 59))).toBe("2026-11-20 10:04:59 UTC");
    expect(formatUtcTime("2026-11-20T10:04:59.123Z", "minute")).toBe("2026-11-20 10:04 UTC");
    expect(formatUtcTime("2026-11-20T11:04:59+01:00")).toBe("2026-11-20 10:04:59 UTC");
    expect(formatUtcTime(null)).toBe("—");
    expect(formatUtcTime("bad")).toBe("—");
    expect(formatUtcTime("garbage", "minute")).toBe("—");
  });
  it("the time of day alone", () => {
    expect(formatUtcClock(Date.UTC(2026, 11, 5, 14, 3, 47))).toBe("14:03:47 UTC");
    expect(formatUtcClock(null)).toBe("—");
  });
  it("a range names the end's day only when it is another day", () => {
    const from = Date.UTC(2026, 11, 4, 14, 3, 47);
    expect(formatUtcRange(from, from + 86_400_000)).toBe("2026-12-04 14:03:47 → 2026-12-05 14:03:47 UTC");
    expect(formatUtcRange(from, from + 60_000)).toBe("2026-12-04 14:03:47 → 14:04:47 UTC");
  });
});

describe("chart labels", () => {
  it("axis ticks in UTC at three resolutions", () => {
    const t = Date.UTC(2026, 11, 5, 14, 3, 47);
    expect(formatUtcTick(t, "day")).toBe("12-05 14:03");
    expect(formatUtcTick(t, "minute")).toBe("14:03");
    expect(formatUtcTick(t, "second")).toBe("14:03:47");
  });
  it("offsets from a chart's start", () => {
    expect(formatOffset(45_000)).toBe("+45s");
    expect(formatOffset(12 * 60_000)).toBe("+12m");
    expect(formatOffset(150 * 60_000)).toBe("+2.5h");
  });
});

describe("RunPod's job times in ms", () => {
  it("stay in ms below a second, then one decimal", () => {
    expect(formatMs(850)).toBe("850 ms");
    expect(formatMs(12_345)).toBe("12.3 s");
    expect(formatMs(252_000)).toBe("4.2 min");
    expect(formatMs(null)).toBe("—");
  });
});
