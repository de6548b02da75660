import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Logger } from "@/lib/log";
import type { PollerClient } from "@/lib/poller/client";
import type { Ctx } from "@/lib/ctx";

/** Anything with now(): the simulator's VirtualClock in tests, Date.now in production. */
export interface PollerClock {
  now(): number;
}

export const systemClock: PollerClock = { now: () => Date.now() };

export interface PollerConfig {
  mode: "demo" | "live";
  healthIntervalMs: number;
  workersIntervalMs: number;
  /** In-progress jobs are polled this often. */
  jobsIntervalMs: number;
  /** A queued job is polled at least this often even when /health says nothing moved (TTL, outside cancels). */
  queuedMaxIntervalMs: number;
  /** Endpoint discovery from the management API. */
  discoveryIntervalMs: number;
  leaseMs: number;
  concurrency: number;
  retentionRawDays: number;
  /** Pause between ticks in start(); tick() itself does only the work that is due. */
  tickMs: number;
  /** Bounded read of one worker log stream: total real time, idle gap after which we stop, line cap. */
  logReadMs: number;
  /** Wait for a log read's response headers: RunPod sends none until it has a line, so this is what a quiet worker costs. */
  logHeadersMs: number;
  logIdleMs: number;
  logMaxLines: number;
  /** Re-read a flagged worker's logs at most this often. */
  logsIntervalMs: number;
  /** Demo trickle: one job per endpoint every intervalMs while fewer than maxQueued demo jobs are queued there. */
  demo: { intervalMs: number; maxQueued: number };
  /** Per-endpoint back-off after failures: base * 2^(streak-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Max jobs polled per endpoint per tick (keeps one tick bounded). */
  maxJobPollsPerEndpoint: number;
  /** Own cap on management API calls per minute; the lower of this and 90% of the quota RunPod reports wins. */
  managementPerMinute: number;
  /** rate_limits key of the account-wide management budget: pollers sharing a RunPod account share it. */
  managementBudgetKey: string;
  /** Restricts which endpoints this poller works on (tests isolate themselves with it). */
  endpointFilter?: (endpointId: string) => boolean;
}

export interface PollerContext {
  /** The feature functions' context (`fn(input, ctx)`): this poller's database, clock and client, acting as the system. */
  ctx: Ctx<PollerClient>;
  prisma: PrismaClient;
  client: PollerClient;
  clock: PollerClock;
  config: PollerConfig;
  instanceId: string;
  log: Logger;
  /** Endpoint ids this poller holds a lease on for this tick (paused ones excluded). */
  endpoints: string[];
  /** Time of this tick (clock.now() at its start). */
  now: Date;
  /** Records a PollError row (+ Endpoint.lastError when endpointId is given); never throws. */
  recordError(input: { endpointId?: string | null; operation: string; error: unknown }): Promise<void>;
  /** Runs fn under the poller's RunPod concurrency limit. */
  limit<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * A unit of periodic work plugged into the poller's tick (detection, sweeps, criteria, smoke jobs...).
 * scope "endpoints" (default): runs on every poller for the endpoints it leases (ctx.endpoints).
 * scope "cluster": runs on one poller at a time, at most once per everyMs across all pollers (a lease).
 */
export interface PollerModule {
  name: string;
  everyMs: number;
  scope?: "endpoints" | "cluster";
  run(ctx: PollerContext): Promise<void>;
}
