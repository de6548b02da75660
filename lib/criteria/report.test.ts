import { describe, expect, it } from "vitest";
import { buildCriteriaReport, type ReportCriterion } from "./report";

const now = new Date("2026-11-20T12:00:00Z");
const base: ReportCriterion = {
  horizon: "immediate",
  title: "Container starts without random device crash",
  state: "fail",
  since: "2026-11-20T10:00:00.000Z",
  summary: "2 random_device crash(es) | since rollout",
  endpointId: null,
  enabled: true,
  evidence: [{ kind: "crash", id: "17", endpointId: "demo-randomdevice", at: "2026-11-20T10:00:00.000Z", label: "random_device on worker w1" }],
  countdownEndsAt: null,
  resetReason: null,
  history: [{ at: "2026-11-20T10:00:00.000Z", state: "fail" }],
};

describe("buildCriteriaReport", () => {
  it("groups by horizon, escapes table cells and links evidence with the origin", () => {
    const md = buildCriteriaReport({
      criteria: [
        base,
        { ...base, horizon: "short_term", title: "No restarts (7 days)", state: "pending", countdownEndsAt: "2026-11-23T16:00:00.000Z", resetReason: "countdown restarted by a crash", evidence: [], history: [] },
        { ...base, horizon: "long_term", title: "Disabled one", enabled: false },
      ],
      now,
      origin: "http://sw.local",
      evaluatedAt: "2026-11-20T11:59:00.000Z",
    });
    expect(md).toContain("# Success criteria");
    expect(md).toContain("**0 pass, 1 fail, 1 pending, 0 unknown** (2 criteria).");
    expect(md).toContain("## Immediate (0/1 pass)");
    expect(md).toContain("## Short-term (0/1 pass)");
    expect(md).not.toContain("Long-term");
    expect(md).toContain("crash(es) \\| since rollout");
    // the age of what each state rests on
    expect(md).toContain("| Since | Evidence from | Summary |");
    expect(md).toContain("| 2026-11-20 10:00 | 2026-11-20 10:00 | 2 random_device");
    expect(md).toContain("(passes in 3 d 4 h if nothing changes) Reset: countdown restarted by a crash.");
    expect(md).toContain("[Crash 2026-11-20 10:00:00: random_device on worker w1](http://sw.local/endpoints/demo-randomdevice?crash=17)");
    // 27 days without data, then today failing
    expect(md).toContain(`${"·".repeat(27)}🟥`);
  });

  it("says so when there is nothing to report", () => {
    expect(buildCriteriaReport({ criteria: [], now, evaluatedAt: null })).toContain("No criteria are defined yet.");
  });
});
