import { describe, expect, it } from "vitest";
import { formatCounts, formatExit, formatRestarts, statusLabel } from "./format";

const now = Date.parse("2026-06-01T12:00:00Z");

describe("endpoint formatting", () => {
  it('shows restarts as "N (x ago)"', () => {
    expect(formatRestarts(0, null, now)).toBe("0");
    expect(formatRestarts(4, "2026-06-01T11:58:00Z", now)).toBe("4 (2 min ago)");
    expect(formatRestarts(2, null, now)).toBe("2");
  });

  it("shows the last exit as code or signal", () => {
    expect(formatExit(null)).toBe("—");
    expect(formatExit({ exitCode: 134, signal: null })).toBe("exit 134");
    expect(formatExit({ exitCode: null, signal: "SIGABRT" })).toBe("signal SIGABRT");
  });

  it("orders counts by a preferred order, then size, dropping zeros", () => {
    expect(formatCounts({ COMPLETED: 9, IN_QUEUE: 3, FAILED: 0, WEIRD: 1 }, ["IN_QUEUE", "COMPLETED"])).toEqual([
      { key: "IN_QUEUE", count: 3 },
      { key: "COMPLETED", count: 9 },
      { key: "WEIRD", count: 1 },
    ]);
    expect(statusLabel("IN_QUEUE")).toBe("in queue");
  });
});
