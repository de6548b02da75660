import { describe, expect, it } from "vitest";
import { applyHysteresis, combineResults, DEFAULT_CRITERIA, evaluateRule, evidenceAt, HYSTERESIS_MS, parseRuleParams, type CriterionState, type EndpointFacts, type RuleName, type RuleResult } from "./rules";

const T0 = new Date("2026-11-01T00:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const DAY_MIN = 24 * 60;
const day = (m: number) => at(m).toISOString().slice(0, 10);

const V1 = { key: "version:1", label: "version 1 (team/trainer:latest)", since: at(0) };
const V2 = { key: "version:2", label: "version 2 (team/trainer:latest)", since: at(60) };

function facts(over: Partial<EndpointFacts> = {}): EndpointFacts {
  return {
    endpointId: "ep1",
    endpointName: "trainer",
    watchedSince: T0,
    deployment: V1,
    deployments: [{ key: V1.key, label: V1.label, firstSeenAt: at(0), firstSweepTrafficAt: null }],
    workerReadyAt: null,
    crashes: [],
    restarts: [],
    healthPolls: [],
    smokeRuns: [],
    smokeOptIn: true,
    sweeps: [],
    jobs: [],
    incidents: [],
    attestations: [],
    activeDays: [],
    ...over,
  };
}

const rd = (id: string, m: number, deployment: string | null = V1.key) => ({ id, at: at(m), signature: "random_device", deployment, workerId: "w1", line: "what():  random_device could not be read" });
const poll = (m: number, ready: number | null, unhealthy = 0, total: number | null = ready === null ? null : ready + unhealthy) => ({ id: `h${m}`, at: at(m), ok: true, readyWorkers: ready, unhealthyWorkers: unhealthy, totalWorkers: total });
const smoke = (id: string, m: number, ok: boolean | null, deployment = V1.key, status = ok ? "COMPLETED" : ok === false ? "FAILED" : "IN_QUEUE") => ({
  id,
  jobId: `j-${id}`,
  deployment,
  ok,
  status,
  submittedAt: at(m - 1),
  finishedAt: ok === null ? null : at(m),
});
const job = (id: string, m: number, status: string, startedAt: Date | null = at(m - 1), executionTimeMs: number | null = 1000) => ({ id, status, finishedAt: at(m), startedAt, executionTimeMs });
const jobs = (n: number, status: string, from = 0, startedAt: "started" | "queued" = "started") =>
  Array.from({ length: n }, (_, i) => job(`${status}-${from + i}`, from + i + 1, status, startedAt === "started" ? at(from + i) : null));
const sweep = (over: Partial<EndpointFacts["sweeps"][number]>) => ({ id: "s1", name: "lr-search", state: "completed", completedAt: at(100), total: 10, completed: 10, failedUnretried: 0, cancelled: 0, targetReached: false, ...over });
const incident = (i: number, openedMin: number, minutes: number | null) => ({ id: `i${i}`, title: "random_device crash loop", openedAt: at(openedMin), resolvedAt: minutes === null ? null : at(openedMin + minutes) });
const everyDay = (fromMin: number, toMin: number) => Array.from({ length: Math.floor((toMin - fromMin) / DAY_MIN) + 1 }, (_, i) => day(fromMin + i * DAY_MIN));

interface Case {
  name: string;
  params?: Record<string, unknown>;
  f: Partial<EndpointFacts>;
  now: Date;
  want: CriterionState;
  /** Text the summary must contain (what made the state, or what is missing). */
  says?: string;
}

const TABLE: Record<RuleName, Case[]> = {
  no_crash_since_rollout: [
    { name: "pass: a worker on the current deployment became ready and no crash since the rollout", f: { workerReadyAt: at(5), workerReadyEventId: "we1" }, now: at(10), want: "pass" },
    { name: "fail: a random_device crash on the current deployment", f: { workerReadyAt: at(2), crashes: [rd("c1", 5)] }, now: at(10), want: "fail", says: "random_device crash" },
    { name: "unknown: no worker seen, so no deployment", f: { deployment: null }, now: at(10), want: "unknown", says: "Missing" },
    { name: "unknown: no worker on the deployment became ready yet (was pending)", f: { workerReadyAt: null }, now: at(10), want: "unknown", says: "became ready" },
    {
      name: "pass: a fix through env vars under the same tag is a new deployment (version 2); crashes of version 1 do not count",
      f: { deployment: V2, workerReadyAt: at(62), crashes: [rd("c1", 30, V1.key), rd("c2", 40, V1.key)] },
      now: at(70),
      want: "pass",
    },
    { name: "fail: a crash read only from the stored log lines counts", f: { workerReadyAt: at(1), crashes: [{ ...rd("77", 5, null), kind: "log_line" as const }] }, now: at(10), want: "fail" },
  ],
  health_responds: [
    { name: "pass: the last 3 polls answered, the newest is fresh and shows ready workers now", f: { healthPolls: [poll(9, 2), poll(8, 2), poll(7, 1)] }, now: at(10), want: "pass", says: "2 ready" },
    { name: "fail: one of the last polls did not answer", f: { healthPolls: [poll(9, 2), { id: "e", at: at(8), ok: false, readyWorkers: null }, poll(7, 1)] }, now: at(10), want: "fail" },
    {
      name: "fail: 0 ready and unhealthy workers during a crash loop, although a worker on the image was once ready",
      f: { workerReadyAt: at(1), healthPolls: [poll(9, 0, 3), poll(8, 0, 3), poll(7, 0, 2)] },
      now: at(10),
      want: "fail",
      says: "0 ready",
    },
    { name: "unknown: no poll at all", f: {}, now: at(10), want: "unknown" },
    { name: "unknown: the newest poll is older than 5 min (poller blind)", f: { healthPolls: [poll(9, 2), poll(8, 2), poll(7, 2)] }, now: at(30), want: "unknown", says: "no data since" },
    { name: "unknown: scaled to zero, nothing ready to check", f: { healthPolls: [poll(9, 0, 0, 0), poll(8, 0, 0, 0), poll(7, 0, 0, 0)] }, now: at(10), want: "unknown", says: "scaled to zero" },
    { name: "unknown: /health gave no worker counts (nullable counters)", f: { healthPolls: [poll(9, null), poll(8, null), poll(7, null)] }, now: at(10), want: "unknown" },
  ],
  smoke_job_passed: [
    { name: "pass: the latest smoke job on the current deployment passed recently", f: { smokeRuns: [smoke("s2", 50, true), smoke("s1", 20, false)] }, now: at(60), want: "pass" },
    { name: "fail: an old success, but the latest smoke jobs failed", f: { smokeRuns: [smoke("s3", 50, false), smoke("s2", 40, false), smoke("s1", 10, true)] }, now: at(60), want: "fail" },
    { name: "unknown: the latest success is older than the window", f: { smokeRuns: [smoke("s1", 10, true)] }, params: { maxAgeMinutes: 30 }, now: at(60), want: "unknown", says: "recent smoke job" },
    { name: "unknown: only a run on another deployment", f: { deployment: V2, smokeRuns: [smoke("s1", 50, true, V1.key)] }, now: at(70), want: "unknown" },
    { name: "unknown: the endpoint is not opted in (and is left out of a roll-up)", f: { smokeOptIn: false }, now: at(60), want: "unknown", says: "not opted in" },
  ],
  sweep_completed: [
    { name: "pass: every trial completed", f: { sweeps: [sweep({})] }, now: at(200), want: "pass" },
    { name: "pass: one failed trial was retried to success", f: { sweeps: [sweep({ total: 11, completed: 10, failedUnretried: 0 })] }, now: at(200), want: "pass" },
    { name: "pass: pending trials cancelled after the target was reached", f: { sweeps: [sweep({ total: 10, completed: 6, cancelled: 4, targetReached: true })] }, now: at(200), want: "pass", says: "after the target" },
    { name: "fail: a failed trial never completed in a retry", f: { sweeps: [sweep({ completed: 9, failedUnretried: 1 })] }, now: at(200), want: "fail", says: "never completed" },
    { name: "fail: trials cancelled before the target was reached", f: { sweeps: [sweep({ completed: 6, cancelled: 4 })] }, now: at(200), want: "fail" },
    { name: "fail: the sweep ended failed", f: { sweeps: [sweep({ state: "failed", completedAt: null })] }, now: at(200), want: "fail" },
    { name: "unknown: no sweep ever ran", f: {}, now: at(200), want: "unknown" },
    { name: "unknown: the only sweep still runs", f: { sweeps: [sweep({ state: "running", completedAt: null })] }, now: at(200), want: "unknown" },
  ],
  job_success_rate: [
    { name: "pass: 20 of 20 served, steady execution times", f: { jobs: jobs(20, "COMPLETED") }, now: at(60), want: "pass" },
    {
      name: "fail: purging a stuck queue (CANCELLED while queued, EXPIRED) counts as not served",
      f: { jobs: [...jobs(10, "COMPLETED"), ...jobs(3, "CANCELLED", 20, "queued"), ...jobs(2, "EXPIRED", 30, "queued")] },
      now: at(60),
      want: "fail",
      says: "served",
    },
    { name: "pass: CANCELLED after a worker took it is the user's decision and left out", f: { jobs: [...jobs(20, "COMPLETED"), ...jobs(3, "CANCELLED", 30)] }, now: at(60), want: "pass" },
    { name: "unknown: fewer finished jobs than minJobs", f: { jobs: jobs(3, "COMPLETED") }, now: at(60), want: "unknown", says: "more finished job" },
    { name: "unknown: the jobs are older than maxAgeDays", f: { jobs: jobs(20, "COMPLETED") }, now: at(DAY_MIN * 8), want: "unknown" },
  ],
  quiet_period: [
    {
      name: "pass: 7 days without a random_device restart while workers worked every day",
      params: { signature: "random_device", days: 7 },
      f: { activeDays: everyDay(0, DAY_MIN * 8) },
      now: at(DAY_MIN * 8),
      want: "pass",
    },
    {
      name: "fail: a random_device restart 2 days ago, with the countdown",
      params: { signature: "random_device", days: 7 },
      f: { restarts: [{ id: "r1", at: at(DAY_MIN * 6), workerId: "w1", signature: "random_device" }], activeDays: everyDay(0, DAY_MIN * 8) },
      now: at(DAY_MIN * 8),
      want: "fail",
      says: "passes in",
    },
    { name: "unknown: no activity at all for 7 days is not stability", params: { signature: "random_device", days: 7 }, f: { activeDays: [] }, now: at(DAY_MIN * 8), want: "unknown", says: "silence is not stability" },
    { name: "pending: watched for less than the period", params: { days: 7 }, f: { activeDays: everyDay(0, DAY_MIN * 3) }, now: at(DAY_MIN * 3), want: "pending" },
  ],
  production_ready: [
    {
      name: "pass: 30 days, every job served, one short incident",
      params: { days: 30 },
      f: { jobs: jobs(100, "COMPLETED", DAY_MIN * 30), incidents: [incident(1, DAY_MIN * 20, 10)] },
      now: at(DAY_MIN * 31),
      want: "pass",
    },
    {
      name: "fail: ten 30-minute incidents in 7 days (frequency and time to recover)",
      params: { days: 30 },
      f: { jobs: jobs(100, "COMPLETED", DAY_MIN * 30), incidents: Array.from({ length: 10 }, (_, i) => incident(i, DAY_MIN * 24 + i * 900, 30)) },
      now: at(DAY_MIN * 31),
      want: "fail",
      says: "10 incidents opened",
    },
    { name: "fail: one incident open for 90 min", params: { days: 30 }, f: { jobs: jobs(100, "COMPLETED", DAY_MIN * 30), incidents: [incident(1, DAY_MIN * 20, 90)] }, now: at(DAY_MIN * 31), want: "fail" },
    { name: "unknown: no job in the period", params: { days: 30 }, f: {}, now: at(DAY_MIN * 31), want: "unknown" },
    { name: "pending: less than 30 days of history", params: { days: 30 }, f: { jobs: jobs(100, "COMPLETED") }, now: at(DAY_MIN * 10), want: "pending" },
  ],
  attestation: [
    { name: "pass: attested", f: { attestations: [{ id: "a1", by: "dana", at: at(1), link: "https://wiki/x" }] }, now: at(2), want: "pass", says: "dana" },
    { name: "unknown: nobody attested", f: {}, now: at(2), want: "unknown" },
    { name: "unknown: the attestation is older than maxAgeDays", params: { maxAgeDays: 30 }, f: { attestations: [{ id: "a1", by: "dana", at: at(1), link: null }] }, now: at(DAY_MIN * 40), want: "unknown" },
  ],
  smoke_before_traffic: [
    {
      name: "pass: the deployment passed the smoke job before sweep traffic",
      f: { deployments: [{ key: V2.key, label: V2.label, firstSeenAt: at(60), firstSweepTrafficAt: at(80) }], smokeRuns: [smoke("s1", 70, true, V2.key)] },
      now: at(90),
      want: "pass",
    },
    {
      name: "fail: the smoke job passed only after traffic",
      f: { deployments: [{ key: V2.key, label: V2.label, firstSeenAt: at(60), firstSweepTrafficAt: at(80) }], smokeRuns: [smoke("s1", 85, true, V2.key)] },
      now: at(90),
      want: "fail",
    },
    { name: "unknown: no deployment took traffic", f: {}, now: at(90), want: "unknown" },
  ],
};

describe.each(Object.entries(TABLE))("%s", (rule, cases) => {
  it("has a pass, a fail and an unknown scenario (attestation: no fail state)", () => {
    const states = new Set(cases.map((c) => c.want));
    expect(states.has("pass")).toBe(true);
    expect(states.has("unknown")).toBe(true);
    if (rule !== "attestation") expect(states.has("fail")).toBe(true);
  });

  it.each(cases)("$name", (c) => {
    const r = evaluateRule(rule as RuleName, c.params ?? {}, facts(c.f), c.now);
    expect(r.state).toBe(c.want);
    if (c.says) expect(r.summary).toContain(c.says);
    if (r.state === "unknown") expect(r.missing).toBeTruthy();
    if (r.state === "pass") expect(evidenceAt(r)).not.toBeNull();
  });
});

describe("roll-up, hysteresis, params, seeds", () => {
  const pass: RuleResult = { state: "pass", summary: "ok", evidence: [] };
  const fail: RuleResult = { state: "fail", summary: "bad", evidence: [] };
  const unk: RuleResult = { state: "unknown", summary: "?", evidence: [], missing: "data" };
  const na: RuleResult = { state: "unknown", summary: "n/a", evidence: [], missing: "opt-in", notApplicable: true };

  it.each([
    { name: "any fail fails", rs: [pass, fail], want: "fail" },
    { name: "an applicable unknown beats pass (green needs every endpoint's evidence)", rs: [pass, unk], want: "unknown" },
    { name: "a not-applicable endpoint is left out", rs: [pass, na], want: "pass" },
    { name: "nothing applicable is unknown", rs: [na, na], want: "unknown" },
    { name: "no endpoint is unknown", rs: [], want: "unknown" },
  ])("$name", ({ rs, want }) => {
    expect(combineResults(rs.map((result, i) => ({ endpointName: `e${i}`, result }))).state).toBe(want);
  });

  it("holds a fail that followed a pass for 20 minutes, then lets the pass through", () => {
    const prev = { state: "fail" as const, since: at(0), previousState: "pass" as const };
    expect(applyHysteresis(prev, pass, at(10)).state).toBe("fail");
    expect(applyHysteresis(prev, pass, at(10)).summary).toContain("Held as fail");
    expect(applyHysteresis(prev, pass, new Date(at(0).getTime() + HYSTERESIS_MS)).state).toBe("pass");
    expect(applyHysteresis({ ...prev, previousState: "unknown" }, pass, at(10)).state).toBe("pass");
    expect(applyHysteresis({ state: "pass", since: at(0), previousState: "fail" }, fail, at(1)).state).toBe("fail");
  });

  it("rejects unknown rules and bad params with the path", () => {
    expect(parseRuleParams("nope", {})).toMatchObject({ ok: false });
    const bad = parseRuleParams("quiet_period", { days: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("params.days");
  });

  it("seeds the nine criteria of the status report with valid params", () => {
    expect(DEFAULT_CRITERIA).toHaveLength(9);
    for (const c of DEFAULT_CRITERIA) expect(parseRuleParams(c.rule, c.params).ok).toBe(true);
    expect(new Set(DEFAULT_CRITERIA.map((c) => c.key)).size).toBe(9);
  });

  it("attestation evidence links only http(s) addresses", () => {
    const r = evaluateRule("attestation", {}, facts({ attestations: [{ id: "a1", by: "dana", at: at(1), link: "javascript:alert(1)" }] }), at(2));
    expect(r.evidence[0].href).toBeUndefined();
  });
});
