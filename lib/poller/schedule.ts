/**
 * The poller's scheduling policy as pure functions (unit-tested in schedule.test.ts).
 *
 * - IN_PROGRESS (and RUNNING) jobs: every jobsIntervalMs.
 * - IN_QUEUE / UNKNOWN jobs: a safety-net poll every queuedMaxIntervalMs (TTL expiry, outside
 *   cancels); beyond that only when /health shows that jobs could have left the queue since the
 *   last queued round, and then only the oldest few (RunPod takes jobs in FIFO order).
 * - Terminal and EXPIRED jobs: never.
 */
import type { Health } from "@/lib/runpod/schemas";
import { isFinalJobStatus, isWaitingJobStatus } from "@/lib/domain/job/status";
import type { PollerConfig } from "@/lib/poller/types";

/** Delay until a job in `status` is polled again; null = never. */
export function jobPollDelayMs(status: string, cfg: Pick<PollerConfig, "jobsIntervalMs" | "queuedMaxIntervalMs">): number | null {
  if (isFinalJobStatus(status)) return null;
  if (isWaitingJobStatus(status)) return cfg.queuedMaxIntervalMs;
  return cfg.jobsIntervalMs; // IN_PROGRESS, RUNNING and unknown non-terminal values
}

export interface QueuedRoundPlan {
  /** Whether any queued job may have changed since the last queued round. */
  open: boolean;
  /** How many of the oldest queued jobs to poll when open. */
  take: number;
  /** How many jobs /health says left the queue (started, or dropped); the round searches further until found. */
  expected: number;
}

/**
 * Decides whether queued jobs need a poll this round, from the latest /health and the one seen at the
 * previous queued round. Nothing can have left the queue when no job started, finished or was retried
 * and the queue did not shrink: then only the safety-net polls run.
 */
export function planQueuedRound(cur: Health | null, prev: Health | null, maxTake: number): QueuedRoundPlan {
  const open: QueuedRoundPlan = { open: true, take: Math.max(1, maxTake), expected: 0 };
  if (!cur || !prev) return open;
  // The gate needs the queue and in-progress counts; without them nothing can be ruled out.
  if (cur.jobs.inQueue === null || prev.jobs.inQueue === null || cur.jobs.inProgress === null || prev.jobs.inProgress === null) return open;
  // Other counters may be "not reported" (null): they count only when both answers have them.
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? 0 : a - b);
  const moved =
    cur.jobs.inProgress !== prev.jobs.inProgress ||
    delta(cur.jobs.completed, prev.jobs.completed) !== 0 ||
    delta(cur.jobs.failed, prev.jobs.failed) !== 0 ||
    delta(cur.jobs.retried, prev.jobs.retried) !== 0 ||
    cur.jobs.inQueue < prev.jobs.inQueue;
  if (!moved) return { open: false, take: 0, expected: 0 };
  // `ready` is undocumented and equals `idle` when sent; idle + running is what RunPod documents.
  const takers = (cur.workers.running ?? 0) + (cur.workers.idle ?? cur.workers.ready ?? 0);
  const left = Math.max(0, prev.jobs.inQueue - cur.jobs.inQueue);
  const done = Math.max(0, delta(cur.jobs.completed, prev.jobs.completed)) + Math.max(0, delta(cur.jobs.failed, prev.jobs.failed));
  const finished = done + Math.max(0, cur.jobs.inProgress - prev.jobs.inProgress);
  const started = Math.max(0, cur.jobs.inProgress - prev.jobs.inProgress + delta(cur.jobs.completed, prev.jobs.completed) + delta(cur.jobs.failed, prev.jobs.failed));
  const take = Math.min(maxTake, Math.max(2, 2 * takers, left + finished + 1));
  return { open: true, take, expected: Math.max(started, left) };
}

/** Exponential back-off after `streak` consecutive failures (streak >= 1). */
export function backoffMs(streak: number, cfg: Pick<PollerConfig, "backoffBaseMs" | "backoffMaxMs">): number {
  if (streak <= 0) return 0;
  return Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** Math.min(20, streak - 1));
}

/** A poller's fair share of `total` endpoints among `live` pollers. */
export function fairShare(total: number, live: number): number {
  return Math.ceil(total / Math.max(1, live));
}

/**
 * The management API's per-minute limit for the whole RunPod account: the lower of the configured
 * cap and 90% of the minute quota RunPod reports in its RateLimit headers.
 */
export function managementLimit(reportedPerMinute: number | null, configured: number): number {
  return reportedPerMinute && reportedPerMinute > 0 ? Math.max(1, Math.min(configured, Math.floor(reportedPerMinute * 0.9))) : configured;
}

/**
 * Token bucket that never lets more than `perMinute` calls through in any 60 s: a burst of a sixth
 * of the limit plus a refill of the rest over the minute (burst + 60 * perSecond = perMinute).
 */
export function managementBucket(perMinute: number): { burst: number; perSecond: number } {
  const burst = Math.max(1, Math.floor(perMinute / 6));
  return { burst, perSecond: Math.max(0, perMinute - burst) / 60 };
}

/**
 * Spreads safety-net polls of queued jobs over ±20% of the delay, deterministically per job and poll,
 * so jobs submitted together do not come due together forever.
 */
export function spreadDelayMs(delayMs: number, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Math.round(delayMs * (0.8 + 0.4 * (h / 0x100000000)));
}
