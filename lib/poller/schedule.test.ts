import { describe, expect, it } from "vitest";
import type { Health } from "@/lib/runpod/schemas";
import { backoffMs, fairShare, jobPollDelayMs, managementBucket, managementLimit, planQueuedRound } from "@/lib/poller/schedule";

const cfg = { jobsIntervalMs: 3_000, queuedMaxIntervalMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 30_000 };
const health = (jobs: Partial<Health["jobs"]>, workers: Partial<Health["workers"]> = {}): Health => ({
  jobs: { completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0, ...jobs },
  workers: { idle: 0, initializing: 0, ready: 0, running: 0, throttled: 0, unhealthy: 0, ...workers },
});

describe("jobPollDelayMs", () => {
  it("polls in-progress jobs every interval, queued ones rarely, finished ones never", () => {
    expect(jobPollDelayMs("IN_PROGRESS", cfg)).toBe(3_000);
    expect(jobPollDelayMs("RUNNING", cfg)).toBe(3_000);
    expect(jobPollDelayMs("IN_QUEUE", cfg)).toBe(60_000);
    expect(jobPollDelayMs("UNKNOWN", cfg)).toBe(60_000);
    for (const s of ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT", "EXPIRED"]) expect(jobPollDelayMs(s, cfg)).toBeNull();
    expect(jobPollDelayMs("SOMETHING_NEW", cfg)).toBe(3_000);
  });
});

describe("planQueuedRound", () => {
  it("opens on the first round (nothing to compare with)", () => {
    expect(planQueuedRound(health({ inQueue: 5 }), null, 50)).toEqual({ open: true, take: 50, expected: 0 });
  });
  it("stays closed when nothing started, finished or left the queue (crash loop, new submissions only)", () => {
    const prev = health({ inQueue: 5 }, { unhealthy: 1 });
    expect(planQueuedRound(health({ inQueue: 9 }, { unhealthy: 1 }), prev, 50)).toEqual({ open: false, take: 0, expected: 0 });
    expect(planQueuedRound(prev, prev, 50).open).toBe(false);
  });
  it("opens for the oldest few when jobs moved", () => {
    const prev = health({ inQueue: 10, inProgress: 1, completed: 3 }, { running: 1 });
    const cur = health({ inQueue: 8, inProgress: 2, completed: 4 }, { running: 2 });
    const plan = planQueuedRound(cur, prev, 50);
    expect(plan.open).toBe(true);
    expect(plan.take).toBeGreaterThanOrEqual(4);
    expect(plan.take).toBeLessThanOrEqual(50);
    expect(plan.expected).toBe(2); // one more running, one more completed
  });
  it("opens when the queue shrank without workers (cancel or TTL)", () => {
    expect(planQueuedRound(health({ inQueue: 3 }), health({ inQueue: 4 }), 50).open).toBe(true);
  });
});

describe("backoffMs / fairShare", () => {
  it("doubles per failure up to the cap", () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(n, cfg))).toEqual([0, 1_000, 2_000, 4_000, 30_000]);
  });
  it("splits endpoints across live pollers, rounding up", () => {
    expect(fairShare(4, 2)).toBe(2);
    expect(fairShare(5, 2)).toBe(3);
    expect(fairShare(3, 0)).toBe(3);
  });
});

// The sliding in-process CallBudget became one account-wide bucket in PostgreSQL (lib/poller/budget.ts,
// issue 12: N pollers each spent the full quota); its limit rules stay pure and are tested here.
describe("management budget rules", () => {
  it("follows the reported quota (90%) under the configured cap", () => {
    expect(managementLimit(10, 50)).toBe(9);
    expect(managementLimit(null, 50)).toBe(50);
    expect(managementLimit(1000, 50)).toBe(50);
    expect(managementLimit(1, 50)).toBe(1);
  });

  it("the bucket lets at most the limit through in any minute", () => {
    for (const limit of [1, 3, 50, 60, 1000]) {
      const { burst, perSecond } = managementBucket(limit);
      expect(burst).toBeGreaterThanOrEqual(1);
      expect(burst + 60 * perSecond).toBeLessThanOrEqual(Math.max(limit, 1));
    }
  });
});

describe("spreadDelayMs", () => {
  it("stays within ±20% and differs between jobs", async () => {
    const { spreadDelayMs } = await import("@/lib/poller/schedule");
    const values = ["a", "b", "c", "d", "e"].map((k) => spreadDelayMs(60_000, k));
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(48_000);
      expect(v).toBeLessThanOrEqual(72_000);
    }
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(spreadDelayMs(60_000, "a")).toBe(values[0]);
  });
});
