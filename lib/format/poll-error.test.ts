import { describe, expect, it } from "vitest";
import { describePollError, formatCounter } from "@/lib/format/poll-error";

const now = Date.parse("2026-12-05T12:00:00Z");
const at = "2026-12-05T11:57:00Z";

describe("poll errors in plain words", () => {
  it("names the failure, its status and its age", () => {
    expect(describePollError({ operation: "listWorkers", httpStatus: 403, message: "Forbidden", at }, now)).toBe("RunPod refused the API key (403) for the workers list 3 min ago");
    expect(describePollError({ operation: "health", httpStatus: 404, message: "x", at }, now)).toBe("RunPod does not know this endpoint (404): deleted or mistyped 3 min ago");
    expect(describePollError({ operation: "listWorkers", httpStatus: 429, message: "x", at }, now)).toMatch(/^RunPod's rate limit was hit \(429\)/);
    expect(describePollError({ operation: "status", httpStatus: 503, message: "x", at }, now)).toBe("RunPod had a server error (503) on a job's /status 3 min ago");
    expect(describePollError({ operation: "health", httpStatus: null, message: "request timed out after 3000 ms", at }, now)).toMatch(/did not answer in time/);
  });

  it("before hydration the age is an absolute UTC time", () => {
    expect(describePollError({ operation: "health", httpStatus: 500, message: "x", at }, null)).toContain("2026-12-05 11:57:00 UTC");
  });

  it("a counter RunPod did not send is 'not reported', never 0", () => {
    expect(formatCounter(null)).toBe("not reported");
    expect(formatCounter(0)).toBe("0");
  });
});
