import { describe, expect, it } from "vitest";
import {
  crashGroupState,
  DEFAULT_CRASH_LOOP_RULE_CONFIG,
  parseCrashLoopRuleConfig,
  shouldAutoResolve,
  verdictForQueuedJob,
  type CrashEventInput,
  type EndpointHealthCounts,
  type QueuedJobVerdictInput,
} from "./verdict";

const NOW = Date.parse("2026-11-28T12:30:00Z");
const MIN = 60_000;
const RD = "random_device:random_device could not be read";
const unhealthy: EndpointHealthCounts = { idle: 0, initializing: 1, running: 0, throttled: 0, unhealthy: 2 };

const crash = (minAgo: number, workerId = "w1", fingerprint = RD, signature: CrashEventInput["signature"] = "random_device"): CrashEventInput => ({
  at: NOW - minAgo * MIN,
  fingerprint,
  signature,
  workerId,
});

const input = (over: Partial<QueuedJobVerdictInput>): QueuedJobVerdictInput => ({ now: NOW, ageMs: 3 * MIN, health: unhealthy, crashes: [], ...over });

describe("verdictForQueuedJob", () => {
  it("two random_device crashes with one fingerprint within 10 min flag the job", () => {
    const v = verdictForQueuedJob(input({ crashes: [crash(4, "w1"), crash(1, "w2")] }));
    expect(v).toMatchObject({ verdict: "random_device_crash_loop", flag: "random_device_crash_loop", signature: "random_device", fingerprint: RD, crashCount: 2 });
    expect(v.reason).toMatch(/2 times on 2 workers in the last 10 min/);
  });

  it("exactly 10 minutes apart still counts (window inclusive); one millisecond more does not", () => {
    expect(verdictForQueuedJob(input({ crashes: [crash(10), crash(0)] })).verdict).toBe("random_device_crash_loop");
    const late = verdictForQueuedJob(input({ crashes: [{ ...crash(10), at: NOW - 10 * MIN - 1 }, crash(0)] }));
    expect(late.flag).toBeNull();
    expect(late.verdict).toBe("crash_loop"); // still unhealthy workers: suspected, not flagged
  });

  it("a job completed after the crashes clears the loop", () => {
    const v = verdictForQueuedJob(input({ crashes: [crash(6), crash(5)], lastCompletedAt: NOW - 2 * MIN, health: { idle: 1, initializing: 0, running: 0, throttled: 0, unhealthy: 0 } }));
    expect(v).toMatchObject({ verdict: "queued", flag: null });
  });

  it("crashes after the last completed job still count; a completion only matters with workers taking jobs", () => {
    expect(verdictForQueuedJob(input({ crashes: [crash(3), crash(1)], lastCompletedAt: NOW - 5 * MIN })).flag).toBe("random_device_crash_loop");
    expect(verdictForQueuedJob(input({ crashes: [crash(3), crash(1)], lastCompletedAt: NOW - 2 * MIN })).flag).toBe("random_device_crash_loop");
    const healthy = { idle: 1, initializing: 0, running: 1, throttled: 0, unhealthy: 0 };
    expect(verdictForQueuedJob(input({ crashes: [crash(3), crash(1)], lastCompletedAt: NOW - 2 * MIN, health: healthy })).flag).toBeNull();
  });

  it("different fingerprints do not add up", () => {
    const v = verdictForQueuedJob(input({ crashes: [crash(3), crash(1, "w1", "segfault:Segmentation fault", "segfault")], health: { idle: 0, initializing: 2, running: 0, throttled: 0, unhealthy: 0 } }));
    expect(v.verdict).toBe("cold_start");
  });

  it("another signature is a crash_loop naming it, not flagged", () => {
    const fp = "import_error:ModuleNotFoundError: No module named 'torch'";
    const v = verdictForQueuedJob(input({ crashes: [crash(2, "w1", fp, "import_error"), crash(1, "w1", fp, "import_error")] }));
    expect(v).toMatchObject({ verdict: "crash_loop", flag: null, signature: "import_error" });
    expect(v.reason).toContain("Import failed");
  });

  it("random_device wins over another qualifying fingerprint", () => {
    const fp = "segfault:Segmentation fault";
    const crashes = [crash(2, "w1", fp, "segfault"), crash(2, "w1", fp, "segfault"), crash(2, "w1", fp, "segfault"), crash(3), crash(1)];
    expect(verdictForQueuedJob(input({ crashes })).verdict).toBe("random_device_crash_loop");
  });

  it("no data at all is queued", () => {
    expect(verdictForQueuedJob({ now: NOW, health: null, crashes: [] })).toMatchObject({ verdict: "queued", flag: null, reason: "no data: no endpoint health recorded yet", evidenceAt: null });
  });

  it("no workers at all is no_capacity", () => {
    expect(verdictForQueuedJob(input({ health: { idle: 0, initializing: 0, running: 0, throttled: 0, unhealthy: 0 } })).verdict).toBe("no_capacity");
  });

  it("throttled with nothing running is throttled", () => {
    expect(verdictForQueuedJob(input({ health: { idle: 0, initializing: 0, running: 0, throttled: 3, unhealthy: 0 } })).verdict).toBe("throttled");
  });

  it("only initializing workers and a young job is cold_start; an old one is queued", () => {
    const h = { idle: 0, initializing: 2, running: 0, throttled: 0, unhealthy: 0 };
    expect(verdictForQueuedJob(input({ health: h, ageMs: 1 * MIN })).verdict).toBe("cold_start");
    expect(verdictForQueuedJob(input({ health: h, ageMs: 6 * MIN })).verdict).toBe("queued");
  });

  it("unhealthy workers or repeated restarts without classified crashes: crash_loop suspected after 2 min", () => {
    expect(verdictForQueuedJob(input({ ageMs: 1 * MIN })).verdict).not.toBe("crash_loop");
    expect(verdictForQueuedJob(input({ ageMs: 3 * MIN }))).toMatchObject({ verdict: "crash_loop", flag: null });
    const restarts = [{ at: NOW - 4 * MIN, workerId: "w9" }, { at: NOW - 1 * MIN, workerId: "w9" }];
    const busy = { idle: 0, initializing: 1, running: 0, throttled: 0, unhealthy: 0 };
    expect(verdictForQueuedJob(input({ health: busy, restarts, ageMs: 6 * MIN })).verdict).toBe("crash_loop");
    expect(verdictForQueuedJob(input({ health: busy, restarts: restarts.slice(0, 1), ageMs: 6 * MIN })).verdict).toBe("queued");
  });

  it("a single crash is not a loop", () => {
    expect(verdictForQueuedJob(input({ crashes: [crash(1)], health: { idle: 1, initializing: 0, running: 1, throttled: 0, unhealthy: 0 } })).verdict).toBe("queued");
  });

  it("thresholds are configurable and validated", () => {
    const crashes = [crash(3), crash(2)];
    expect(verdictForQueuedJob(input({ crashes, config: { minCrashes: 3 } })).flag).toBeNull();
    expect(verdictForQueuedJob(input({ crashes, config: { minWorkers: 2 } })).flag).toBeNull();
    expect(verdictForQueuedJob(input({ crashes: [crash(3, "a"), crash(2, "b")], config: { minWorkers: 2 } })).flag).toBe("random_device_crash_loop");
    expect(verdictForQueuedJob(input({ crashes: [crash(12), crash(2)], config: { windowMs: 15 * MIN } })).flag).toBe("random_device_crash_loop");
    expect(() => parseCrashLoopRuleConfig({ minCrashes: 1 })).toThrow(/minCrashes/);
    expect(() => parseCrashLoopRuleConfig({ windowMs: "10m" })).toThrow(/windowMs/);
    expect(parseCrashLoopRuleConfig(undefined)).toEqual(DEFAULT_CRASH_LOOP_RULE_CONFIG);
    expect(DEFAULT_CRASH_LOOP_RULE_CONFIG).toMatchObject({ windowMs: 10 * MIN, minCrashes: 2 });
  });

  it("accepts ISO strings and Dates for times", () => {
    const v = verdictForQueuedJob({
      now: new Date(NOW),
      queuedAt: new Date(NOW - 5 * MIN).toISOString(),
      health: unhealthy,
      crashes: [{ ...crash(2), at: new Date(NOW - 2 * MIN).toISOString() }, { ...crash(1), at: new Date(NOW - MIN) }],
    });
    expect(v.flag).toBe("random_device_crash_loop");
  });
});

describe("crash group lifecycle", () => {
  const Q = 15 * MIN;
  it("new → ongoing → resolved after the quiet period → regressed → ongoing", () => {
    let g = crashGroupState(null, { now: NOW, crashAt: NOW }, Q)!;
    expect(g).toMatchObject({ state: "new", count: 1, firstSeenAt: NOW, lastSeenAt: NOW });
    g = crashGroupState(g, { now: NOW + MIN, crashAt: NOW + MIN }, Q)!;
    expect(g).toMatchObject({ state: "ongoing", count: 2 });
    expect(crashGroupState(g, { now: NOW + MIN + Q - 1 }, Q)!.state).toBe("ongoing");
    g = crashGroupState(g, { now: NOW + MIN + Q }, Q)!;
    expect(g).toMatchObject({ state: "resolved", resolvedAt: NOW + MIN + Q });
    expect(crashGroupState(g, { now: NOW + 2 * Q }, Q)).toBe(g);
    g = crashGroupState(g, { now: NOW + 2 * Q, crashAt: NOW + 2 * Q }, Q)!;
    expect(g).toMatchObject({ state: "regressed", count: 3, resolvedAt: null, firstSeenAt: NOW });
    g = crashGroupState(g, { now: NOW + 2 * Q + MIN, crashAt: NOW + 2 * Q + MIN }, Q)!;
    expect(g.state).toBe("ongoing");
  });

  it("a late-arriving crash from before the resolution does not reopen", () => {
    let g = crashGroupState(null, { now: NOW, crashAt: NOW }, Q)!;
    g = crashGroupState(g, { now: NOW + Q }, Q)!;
    expect(g.state).toBe("resolved");
    expect(crashGroupState(g, { now: NOW + Q + 1, crashAt: NOW + 1 }, Q)!.state).toBe("resolved");
  });

  it("a tick on an unknown group is null", () => {
    expect(crashGroupState(null, { now: NOW }, Q)).toBeNull();
  });

  it("shouldAutoResolve at exactly the quiet period", () => {
    expect(shouldAutoResolve(NOW, NOW + Q - 1, Q)).toBe(false);
    expect(shouldAutoResolve(NOW, NOW + Q, Q)).toBe(true);
    expect(shouldAutoResolve(new Date(NOW).toISOString(), new Date(NOW + DEFAULT_CRASH_LOOP_RULE_CONFIG.quietMs))).toBe(true);
  });
});
