import { describe, expect, it } from "vitest";
import { crashingWorkerTime } from "./incidents";

const w = (id: string, first: string, last: string, gone: string | null = null) => ({ id, firstSeenAt: `2026-12-05T${first}Z`, lastSeenAt: `2026-12-05T${last}Z`, goneAt: gone ? `2026-12-05T${gone}Z` : null });

describe("crashingWorkerTime", () => {
  it("sums the crashing workers' uptime from the first crash, not their crash count", () => {
    const workers = [w("a", "10:00:00", "10:30:00"), w("b", "10:10:00", "10:50:00", "10:20:00"), w("healthy", "09:00:00", "11:00:00")];
    // a: 10:05 → 10:30 = 25 min; b: 10:10 → gone 10:20 = 10 min; healthy is not counted
    expect(crashingWorkerTime(workers, ["a", "b", "a"], "2026-12-05T10:05:00Z")).toEqual({ seconds: 35 * 60, counted: 2, missing: 0 });
  });
  it("says how many crashing workers it no longer knows", () => {
    expect(crashingWorkerTime([w("a", "10:00:00", "10:01:00")], ["a", "gone"], null)).toEqual({ seconds: 60, counted: 1, missing: 1 });
  });
});
