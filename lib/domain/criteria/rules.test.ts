import { describe, expect, it } from "vitest";
import { combineResults, DEFAULT_CRITERIA, evaluateRule, formatDuration, parseRuleParams, type EndpointFacts } from "./rules";

const T0 = new Date("2026-11-01T00:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const DAY_MIN = 24 * 60;

function facts(over: Partial<EndpointFacts> = {}): EndpointFacts {
  return {
    endpointId: "ep1",
    endpointName: "trainer",
    watchedSince: T0,
    currentImage: "img:v1",
    imageSince: at(0),
    images: [{ image: "img:v1", firstSeenAt: at(0), firstSweepTrafficAt: null }],
    workerReadyAt: null,
    crashes: [],
    restarts: [],
    healthPolls: [],
    smokeRuns: [],
    sweeps: [],
    jobs: [],
    incidents: [],
    attestations: [],
    ...over,
  };
}

describe("no_crash_since_rollout", () => {
  it("is unknown without any worker data", () => {
    expect(evaluateRule("no_crash_since_rollout", {}, facts({ currentImage: null, imageSince: null }), at(10)).state).toBe("unknown");
  });

  it("fails with the crash as evidence", () => {
    const r = evaluateRule(
      "no_crash_since_rollout",
      { signature: "random_device" },
      facts({ crashes: [{ id: "c1", at: at(5), signature: "random_device", image: "img:v1", workerId: "w1", line: "what():  random_device could not be read" }] }),
      at(10),
    );
    expect(r.state).toBe("fail");
    expect(r.evidence[0]).toMatchObject({ kind: "crash", id: "c1" });
  });

  it("a new image resets 'since the rollout': old crashes no longer count", () => {
    const f = facts({
      currentImage: "img:v2",
      imageSince: at(60),
      workerReadyAt: at(62),
      crashes: [{ id: "c1", at: at(30), signature: "random_device", image: "img:v1", workerId: "w1" }],
    });
    const r = evaluateRule("no_crash_since_rollout", {}, f, at(70));
    expect(r.state).toBe("pass");
    expect(r.since).toEqual(at(62));
  });

  it("stays pending until a worker on the new image becomes ready", () => {
    const f = facts({ currentImage: "img:v2", imageSince: at(60), workerReadyAt: at(10) });
    expect(evaluateRule("no_crash_since_rollout", {}, f, at(70)).state).toBe("pending");
  });

  it("ignores other signatures", () => {
    const f = facts({ workerReadyAt: at(1), crashes: [{ id: "c1", at: at(5), signature: "cuda_oom", image: "img:v1", workerId: "w1" }] });
    expect(evaluateRule("no_crash_since_rollout", { signature: "random_device" }, f, at(10)).state).toBe("pass");
  });
});

describe("health_responds", () => {
  const poll = (i: number, ok: boolean, ready = 1) => ({ id: `h${i}`, at: at(i), ok, readyWorkers: ready });
  it("unknown with no polls, pending with too few", () => {
    expect(evaluateRule("health_responds", { lastPolls: 3 }, facts(), at(1)).state).toBe("unknown");
    expect(evaluateRule("health_responds", { lastPolls: 3 }, facts({ healthPolls: [poll(1, true)] }), at(1)).state).toBe("pending");
  });
  it("fails when one of the last N did not answer", () => {
    const r = evaluateRule("health_responds", { lastPolls: 3 }, facts({ healthPolls: [poll(3, true), poll(2, false), poll(1, true)] }), at(4));
    expect(r.state).toBe("fail");
    expect(r.evidence.map((e) => e.id)).toEqual(["h2"]);
  });
  it("needs a ready worker", () => {
    const polls = [poll(3, true, 0), poll(2, true, 0), poll(1, true, 0)];
    expect(evaluateRule("health_responds", { lastPolls: 3 }, facts({ healthPolls: polls }), at(4)).state).toBe("pending");
    expect(evaluateRule("health_responds", { lastPolls: 3 }, facts({ healthPolls: polls, workerReadyAt: at(2) }), at(4)).state).toBe("pass");
  });
});

describe("quiet_period", () => {
  const restart = (minute: number, signature: string | null = "random_device") => ({ id: `r${minute}`, at: at(minute), workerId: "w1", signature });

  it("counts down from the last matching restart", () => {
    const f = facts({ restarts: [restart(60)] });
    const r = evaluateRule("quiet_period", { signature: "random_device", days: 7 }, f, at(60 + DAY_MIN * 3));
    expect(r.state).toBe("pending");
    expect(r.summary).toBe("Passes in 4 d 0 h if no random_device restart happens.");
    expect(r.countdownEndsAt).toEqual(at(60 + DAY_MIN * 7));
    expect(r.resetReason).toContain("worker w1");
  });

  it("a restart one second before the period ends resets it", () => {
    const end = at(DAY_MIN * 7);
    const oneSecondBefore = new Date(end.getTime() - 1000);
    const f = facts({ restarts: [{ id: "late", at: oneSecondBefore, workerId: "w9", signature: "random_device" }] });
    const r = evaluateRule("quiet_period", { signature: "random_device", days: 7 }, f, end);
    expect(r.state).toBe("pending");
    expect(r.countdownEndsAt).toEqual(new Date(oneSecondBefore.getTime() + 7 * 86_400_000));
    expect(r.resetReason).toContain("w9");
  });

  it("passes exactly when the period has elapsed without a restart", () => {
    const r = evaluateRule("quiet_period", { signature: "random_device", days: 7 }, facts(), at(DAY_MIN * 7));
    expect(r.state).toBe("pass");
  });

  it("restarts for another signature do not reset a signature-specific period", () => {
    const f = facts({ restarts: [restart(DAY_MIN * 6, "cuda_oom")] });
    expect(evaluateRule("quiet_period", { signature: "random_device", days: 7 }, f, at(DAY_MIN * 7)).state).toBe("pass");
    expect(evaluateRule("quiet_period", { signature: null, days: 7 }, f, at(DAY_MIN * 7)).state).toBe("pending");
  });
});

describe("smoke, sweeps, success rate, production, attestation, regressions", () => {
  it("smoke job: pending, fail, pass on the current image only", () => {
    expect(evaluateRule("smoke_job_passed", {}, facts(), at(1)).state).toBe("pending");
    const failed = { id: "s1", jobId: "j1", image: "img:v1", ok: false, status: "FAILED", submittedAt: at(1), finishedAt: at(2) };
    expect(evaluateRule("smoke_job_passed", {}, facts({ smokeRuns: [failed] }), at(3)).state).toBe("fail");
    const oldPass = { ...failed, id: "s0", image: "img:v0", ok: true, status: "COMPLETED" };
    expect(evaluateRule("smoke_job_passed", {}, facts({ smokeRuns: [failed, oldPass] }), at(3)).state).toBe("fail");
    const pass = { ...failed, id: "s2", jobId: "j2", ok: true, status: "COMPLETED", submittedAt: at(3), finishedAt: at(4) };
    const r = evaluateRule("smoke_job_passed", {}, facts({ smokeRuns: [failed, pass] }), at(5));
    expect(r.state).toBe("pass");
    expect(r.evidence[0]).toMatchObject({ kind: "job", id: "j2" });
  });

  it("sweep completed needs every trial finished", () => {
    const s = { id: "sw", name: "lr search", state: "completed", total: 10, finished: 9, completedAt: at(5) };
    expect(evaluateRule("sweep_completed", {}, facts({ sweeps: [s] }), at(6)).state).toBe("fail");
    expect(evaluateRule("sweep_completed", {}, facts({ sweeps: [{ ...s, finished: 10 }] }), at(6)).state).toBe("pass");
    expect(evaluateRule("sweep_completed", {}, facts({ sweeps: [{ ...s, state: "running" }] }), at(6)).state).toBe("pending");
    expect(evaluateRule("sweep_completed", {}, facts(), at(6)).state).toBe("unknown");
  });

  it("job success rate and execution-time spread", () => {
    const jobs = Array.from({ length: 20 }, (_, i) => ({ id: `j${i}`, status: "COMPLETED", executionTimeMs: 1000 + i * 10, finishedAt: at(i) }));
    expect(evaluateRule("job_success_rate", {}, facts({ jobs }), at(30)).state).toBe("pass");
    const withFailures = jobs.map((j, i) => (i < 3 ? { ...j, status: "FAILED" } : j));
    const r = evaluateRule("job_success_rate", { minSuccessPct: 95 }, facts({ jobs: withFailures }), at(30));
    expect(r.state).toBe("fail");
    expect(r.evidence).toHaveLength(3);
    const slowTail = jobs.map((j, i) => (i >= 17 ? { ...j, executionTimeMs: 5000 } : j));
    expect(evaluateRule("job_success_rate", { maxP90OverMedianPct: 50 }, facts({ jobs: slowTail }), at(30)).state).toBe("fail");
    expect(evaluateRule("job_success_rate", { minJobs: 30 }, facts({ jobs }), at(30)).state).toBe("pending");
  });

  it("production ready fails on a long incident and counts down otherwise", () => {
    const now = at(DAY_MIN * 10);
    const incident = { id: "i1", title: "random_device crash loop", openedAt: at(DAY_MIN * 9), resolvedAt: at(DAY_MIN * 9 + 90) };
    expect(evaluateRule("production_ready", {}, facts({ incidents: [incident] }), now).state).toBe("fail");
    const short = { ...incident, resolvedAt: at(DAY_MIN * 9 + 30) };
    const r = evaluateRule("production_ready", { days: 30 }, facts({ incidents: [short] }), now);
    expect(r.state).toBe("pending");
    expect(r.countdownEndsAt).toEqual(at(DAY_MIN * 30));
  });

  it("attestation", () => {
    expect(evaluateRule("attestation", {}, facts(), at(1)).state).toBe("pending");
    const r = evaluateRule("attestation", {}, facts({ attestations: [{ id: "a1", by: "dana", at: at(1), link: "https://wiki/x" }] }), at(2));
    expect(r.state).toBe("pass");
    expect(r.summary).toContain("dana");
    expect(r.evidence[0]).toMatchObject({ kind: "attestation", href: "https://wiki/x" });
  });

  it("attestation evidence links only http(s) addresses", () => {
    const r = evaluateRule("attestation", {}, facts({ attestations: [{ id: "a1", by: "dana", at: at(1), link: "javascript:alert(1)" }] }), at(2));
    expect(r.evidence[0].href).toBeUndefined();
  });

  it("a crash found only in the stored log lines is evidence of kind log_line", () => {
    const r = evaluateRule(
      "no_crash_since_rollout",
      {},
      facts({ crashes: [{ id: "77", at: at(5), signature: "random_device", image: null, workerId: "w1", line: "what():  random_device could not be read", kind: "log_line" }] }),
      at(10),
    );
    expect(r.state).toBe("fail");
    expect(r.evidence[0]).toMatchObject({ kind: "log_line", id: "77" });
  });

  it("smoke before traffic", () => {
    const images = [{ image: "img:v2", firstSeenAt: at(10), firstSweepTrafficAt: at(20) }];
    expect(evaluateRule("smoke_before_traffic", {}, facts({ images: [] }), at(30)).state).toBe("unknown");
    expect(evaluateRule("smoke_before_traffic", {}, facts({ images }), at(30)).state).toBe("fail");
    const late = { id: "s", jobId: "j", image: "img:v2", ok: true, status: "COMPLETED", submittedAt: at(21), finishedAt: at(22) };
    expect(evaluateRule("smoke_before_traffic", {}, facts({ images, smokeRuns: [late] }), at(30)).state).toBe("fail");
    const early = { ...late, submittedAt: at(11), finishedAt: at(12) };
    expect(evaluateRule("smoke_before_traffic", {}, facts({ images, smokeRuns: [early] }), at(30)).state).toBe("pass");
  });
});

describe("params, combination, seeds", () => {
  it("rejects unknown rules and bad params with the path", () => {
    expect(parseRuleParams("nope", {})).toMatchObject({ ok: false });
    const bad = parseRuleParams("quiet_period", { days: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("params.days");
  });

  it("combines endpoints: any failure fails", () => {
    const pass = { state: "pass" as const, summary: "ok", evidence: [] };
    const fail = { state: "fail" as const, summary: "bad", evidence: [] };
    expect(combineResults([{ endpointName: "a", result: pass }, { endpointName: "b", result: fail }]).state).toBe("fail");
    expect(combineResults([]).state).toBe("unknown");
  });

  it("seeds the nine criteria of the status report with valid params", () => {
    expect(DEFAULT_CRITERIA).toHaveLength(9);
    for (const c of DEFAULT_CRITERIA) expect(parseRuleParams(c.rule, c.params).ok).toBe(true);
    expect(new Set(DEFAULT_CRITERIA.map((c) => c.key)).size).toBe(9);
  });

  it("formats durations", () => {
    expect(formatDuration((3 * 24 + 4) * 3600_000)).toBe("3 d 4 h");
    expect(formatDuration(90_000)).toBe("1 min");
  });
});
