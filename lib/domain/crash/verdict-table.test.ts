import { describe, expect, it } from "vitest";
import { findUnknownLoop, recoveryEvidence, verdictForQueuedJob, type CrashEventInput, type EndpointHealthCounts, type QueuedJobVerdictInput, type Verdict } from "./verdict";
import { UNKNOWN_LOOP } from "./signatures";

/**
 * Table-driven: every verdict, and every "Why" case of issue 13 that the pure rules decide. The
 * DB-backed cases (health counters, uploads, cross-source copies) are in lib/incidents/detection/truth.db.test.ts.
 */
const NOW = Date.parse("2026-11-28T12:30:00Z");
const MIN = 60_000;
const RD = "random_device:random_device could not be read";
const crash = (minAgo: number, workerId = "w1", fingerprint = RD, signature: CrashEventInput["signature"] = "random_device"): CrashEventInput => ({ at: NOW - minAgo * MIN, fingerprint, signature, workerId });
const H = (idle: number | null, running: number | null, initializing: number | null, throttled: number | null, unhealthy: number | null): EndpointHealthCounts => ({ idle, running, initializing, throttled, unhealthy });
const UNHEALTHY = H(0, 0, 1, 0, 2);
const HEALTHY = H(1, 1, 0, 0, 0);

interface Case {
  name: string;
  in: Partial<QueuedJobVerdictInput>;
  verdict: Verdict;
  flagged: boolean;
  says?: string;
}

const CASES: Case[] = [
  { name: "flag: two random_device crashes within 10 min, no workers taking jobs", in: { crashes: [crash(4), crash(1, "w2")] }, verdict: "random_device_crash_loop", flagged: true },
  {
    name: "flag: a loop restarting every 12 min (back-off) stays a loop, not 'no crash logs classified yet'",
    in: { crashes: [crash(1), crash(13), crash(25)] },
    verdict: "random_device_crash_loop",
    flagged: true,
    says: "back-off loop",
  },
  { name: "not flagged: two crashes 12 min apart are no loop yet (window 10 min)", in: { crashes: [crash(1), crash(13)], health: H(0, 0, 2, 0, 0) }, verdict: "cold_start", flagged: false },
  {
    name: "queued (one worker crash-looping): healthy workers beside the loop take jobs",
    in: { crashes: [crash(4), crash(1)], health: HEALTHY, lastCompletedAt: NOW - 2 * MIN },
    verdict: "queued",
    flagged: false,
    says: "queued (one worker crash-looping)",
  },
  {
    name: "flag: idle capacity but nothing completed since the loop started (the idle worker is the looping one)",
    in: { crashes: [crash(4), crash(1)], health: H(1, 0, 0, 0, 0), lastCompletedAt: NOW - 30 * MIN },
    verdict: "random_device_crash_loop",
    flagged: true,
  },
  { name: "crash_loop naming another signature", in: { crashes: [crash(2, "w1", "import_error:x", "import_error"), crash(1, "w1", "import_error:x", "import_error")] }, verdict: "crash_loop", flagged: false, says: "Import failed" },
  { name: "crash loop, cause unknown: unhealthy workers, no readable log", in: { ageMs: 3 * MIN }, verdict: "crash_loop", flagged: false, says: "cause unknown" },
  { name: "no_capacity: scaled to zero", in: { health: H(0, 0, 0, 0, 0) }, verdict: "no_capacity", flagged: false },
  { name: "throttled", in: { health: H(0, 0, 0, 3, 0) }, verdict: "throttled", flagged: false },
  { name: "cold_start", in: { health: H(0, 0, 2, 0, 0), ageMs: MIN }, verdict: "cold_start", flagged: false },
  { name: "queued: a free worker will take it", in: { health: HEALTHY }, verdict: "queued", flagged: false, says: "waiting for a free worker" },
  { name: "unknown (queued, no data): no health at all", in: { health: null }, verdict: "queued", flagged: false, says: "no data" },
  { name: "unknown (queued, no data since …): the newest health is stale", in: { healthAt: NOW - 20 * MIN }, verdict: "queued", flagged: false, says: "no data since" },
  { name: "nullable counters: unknown counts are not zero workers", in: { health: H(null, null, null, null, null) }, verdict: "queued", flagged: false },
];

describe("verdictForQueuedJob (table)", () => {
  it.each(CASES)("$name", (c) => {
    const v = verdictForQueuedJob({ now: NOW, ageMs: 3 * MIN, health: UNHEALTHY, crashes: [], ...c.in });
    expect(v.verdict).toBe(c.verdict);
    expect(v.flag !== null).toBe(c.flagged);
    if (c.says) expect(v.reason).toContain(c.says);
    // every judgment carries the evidence it rests on, with its age
    if (v.verdict !== "queued" || c.in.health !== null) expect(v.evidence.length).toBeGreaterThan(0);
    if (v.evidence.length) expect(v.evidenceAt).toBe(new Date(Math.max(...v.evidence.map((e) => Date.parse(e.at)))).toISOString());
  });
});

describe("findUnknownLoop (a crash loop without text pages too)", () => {
  const series = (unhealthy: number, ready: number, mins: number[]) => mins.map((m) => ({ at: NOW - m * MIN, ready, unhealthy }));
  it.each([
    { name: "one worker restarted twice in 10 min", in: { restarts: [{ at: NOW - 5 * MIN, workerId: "w9" }, { at: NOW - MIN, workerId: "w9" }] }, loop: true },
    { name: "two exits without a readable log", in: { unexplained: [{ at: NOW - 5 * MIN, workerId: "w1" }, { at: NOW - MIN, workerId: "w2" }] }, loop: true },
    { name: "unhealthy and nothing ready for the whole suspect period", in: { series: series(2, 0, [4, 3, 2, 1, 0]) }, loop: true },
    { name: "one unhealthy poll is no loop", in: { series: series(2, 0, [0]) }, loop: false },
    { name: "a job completed recently: no loop", in: { restarts: [{ at: NOW - 5 * MIN, workerId: "w9" }, { at: NOW - MIN, workerId: "w9" }], lastCompletedAt: NOW - 2 * MIN }, loop: false },
  ])("$name", (c) => {
    const r = findUnknownLoop({ now: NOW, restarts: [], unexplained: [], series: [], ...c.in });
    expect(r !== null).toBe(c.loop);
  });
  it("has its own fingerprint", () => expect(UNKNOWN_LOOP).toBe("crash_loop_unknown"));
});

describe("recoveryEvidence (silence is not recovery)", () => {
  const base = { now: NOW, lastBadAt: NOW - 20 * MIN, quietMs: 15 * MIN, recoveredQuietMs: 2 * MIN, staleMs: 3 * MIN };
  const every = (fromMin: number, ready: number, unhealthy = 0, toMin = 0) => Array.from({ length: fromMin - toMin + 1 }, (_, i) => ({ at: NOW - (fromMin - i) * MIN, ready, unhealthy }));
  it.each([
    { name: "recovered: a job completed after the last crash", in: { lastCompletedAt: NOW - 10 * MIN }, recovered: true },
    { name: "recovered: workers ready and none unhealthy for the quiet period", in: { series: every(19, 2) }, recovered: true },
    { name: "not recovered: ready for less than the quiet period", in: { series: every(10, 2) }, recovered: false },
    { name: "no data since …: logs and polls stopped (poller blind)", in: { series: every(19, 2, 0, 10), lastDataAt: NOW - 10 * MIN }, recovered: false, noData: true },
    { name: "no data since …: scaled to zero mid-incident", in: { series: every(19, 0) }, recovered: false, noData: true },
    { name: "not recovered: still unhealthy", in: { series: every(19, 1, 1) }, recovered: false },
  ])("$name", (c) => {
    const r = recoveryEvidence({ ...base, series: [], ...c.in });
    expect(r.recovered).toBe(c.recovered);
    if (!r.recovered && c.noData) {
      expect(r.noDataSince).not.toBeNull();
      expect(r.reason).toContain("no data since");
    }
  });
});
