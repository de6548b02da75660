import { describe, expect, it } from "vitest";
import { buildDayBars, collapseHistory, countByHorizon, countdownText, evidenceHref } from "./criteria";

const now = new Date("2026-11-20T12:00:00Z");

describe("buildDayBars", () => {
  it("gives one bar per UTC day, oldest first, 'none' where nothing was evaluated", () => {
    const bars = buildDayBars([], { now, days: 7 });
    expect(bars).toHaveLength(7);
    expect(bars[0].day).toBe("2026-11-14");
    expect(bars[6].day).toBe("2026-11-20");
    expect(bars.every((b) => b.worst === "none")).toBe(true);
    expect(bars[6].label).toBe("2026-11-20: no evaluation");
  });

  it("splits time between states and colours a day by its worst state", () => {
    const history = [
      { at: "2026-11-19T01:00:00Z", state: "pass" as const },
      { at: "2026-11-19T02:00:00Z", state: "pass" as const },
      { at: "2026-11-19T02:30:00Z", state: "fail" as const },
      { at: "2026-11-19T03:30:00Z", state: "fail" as const },
      { at: "2026-11-20T05:00:00Z", state: "pass" as const },
    ];
    const bars = buildDayBars(history, { now, days: 3 });
    const d19 = bars.find((b) => b.day === "2026-11-19")!;
    expect(d19.worst).toBe("fail");
    expect(d19.ms.pass).toBe(2 * 3_600_000);
    expect(d19.ms.fail).toBe(1.5 * 3_600_000);
    expect(d19.label).toBe("2026-11-19: fail 2 h, pass 2 h");
    // a row stands for at most an hour back: the long gap before 05:00 is not counted as pass
    const d20 = bars.find((b) => b.day === "2026-11-20")!;
    expect(d20.ms.pass).toBe(3_600_000);
    expect(d20.worst).toBe("pass");
    expect(bars[0].worst).toBe("none");
  });

  it("an interval crossing midnight is split between the two days", () => {
    const bars = buildDayBars(
      [
        { at: "2026-11-19T23:30:00Z", state: "pending" },
        { at: "2026-11-20T00:30:00Z", state: "pending" },
      ],
      { now, days: 2 },
    );
    // the first row reaches an hour back (22:30), the second from 23:30 across midnight
    expect(bars[0].ms.pending).toBe(90 * 60_000);
    expect(bars[1].ms.pending).toBe(30 * 60_000);
  });

  it("a single evaluation still colours its day", () => {
    const bars = buildDayBars([{ at: "2026-11-20T10:00:00Z", state: "unknown" }], { now, days: 1 });
    expect(bars[0].worst).toBe("unknown");
  });

  it("ignores history older than the window", () => {
    const bars = buildDayBars([{ at: "2026-10-01T10:00:00Z", state: "fail" }], { now, days: 7 });
    expect(bars.every((b) => b.worst === "none")).toBe(true);
  });
});

describe("countByHorizon", () => {
  it("counts enabled criteria per state per horizon", () => {
    const r = countByHorizon([
      { horizon: "immediate", state: "fail" },
      { horizon: "immediate", state: "pass" },
      { horizon: "immediate", state: "pass", enabled: false },
      { horizon: "long_term", state: "pending" },
    ]);
    expect(r.map((x) => x.horizon)).toEqual(["immediate", "short_term", "long_term"]);
    expect(r[0]).toEqual({ horizon: "immediate", counts: { pass: 1, fail: 1, pending: 0, unknown: 0 }, total: 2 });
    expect(r[1].total).toBe(0);
    expect(r[2].counts.pending).toBe(1);
  });
});

describe("countdownText", () => {
  it("formats the time left and ends at zero", () => {
    const t = Date.parse("2026-11-20T00:00:00Z");
    expect(countdownText(new Date(t + (3 * 24 + 4) * 3_600_000).toISOString(), t)).toBe("3 d 4 h");
    expect(countdownText(new Date(t + 1000).toISOString(), t)).toBe("1 s");
    expect(countdownText(new Date(t).toISOString(), t)).toBeNull();
    expect(countdownText(null, t)).toBeNull();
  });
});


describe("collapseHistory", () => {
  it("merges consecutive rows of one state, newest first, keeping the newest summary", () => {
    const r = collapseHistory([
      { at: "2026-11-20T12:00:00Z", state: "pass", summary: "ok now" },
      { at: "2026-11-20T11:00:00Z", state: "pass", summary: "ok" },
      { at: "2026-11-20T10:00:00Z", state: "fail", summary: "crash" },
      { at: "2026-11-20T09:00:00Z", state: "pass", summary: "old" },
    ]);
    expect(r).toEqual([
      { state: "pass", from: "2026-11-20T11:00:00Z", to: "2026-11-20T12:00:00Z", summary: "ok now" },
      { state: "fail", from: "2026-11-20T10:00:00Z", to: "2026-11-20T10:00:00Z", summary: "crash" },
      { state: "pass", from: "2026-11-20T09:00:00Z", to: "2026-11-20T09:00:00Z", summary: "old" },
    ]);
  });
});

describe("evidenceHref", () => {
  it("links each kind of evidence to its page", () => {
    expect(evidenceHref({ kind: "incident", id: "4" })).toBe("/incidents/4");
    expect(evidenceHref({ kind: "sweep", id: "abc" })).toBe("/sweeps/abc");
    expect(evidenceHref({ kind: "job", id: "j 1", endpointId: "ep" })).toBe("/endpoints/ep?job=j%201");
    expect(evidenceHref({ kind: "crash", id: "9", endpointId: "ep" })).toBe("/endpoints/ep?crash=9");
    expect(evidenceHref({ kind: "health_snapshot", id: "1", endpointId: "ep" })).toBe("/endpoints/ep");
    expect(evidenceHref({ kind: "attestation", id: "1", href: "https://wiki.example.com/x" })).toBe("https://wiki.example.com/x");
    expect(evidenceHref({ kind: "attestation", id: "1", href: "javascript:alert(1)" })).toBeNull();
    expect(evidenceHref({ kind: "crash", id: "9" })).toBeNull();
  });
});
