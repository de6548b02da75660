import type { Env } from "@/lib/env";
import type { PollerConfig } from "@/lib/poller/types";

export const DEFAULT_POLLER_CONFIG: PollerConfig = {
  mode: "live",
  healthIntervalMs: 10_000,
  workersIntervalMs: 15_000,
  jobsIntervalMs: 3_000,
  queuedMaxIntervalMs: 60_000,
  discoveryIntervalMs: 60_000,
  leaseMs: 30_000,
  concurrency: 8,
  retentionRawDays: 7,
  tickMs: 500,
  logReadMs: 5_000,
  logHeadersMs: 1_000,
  logIdleMs: 400,
  logMaxLines: 2_000,
  logsIntervalMs: 15_000,
  demo: { intervalMs: 15_000, maxQueued: 20 },
  backoffBaseMs: 2_000,
  backoffMaxMs: 120_000,
  maxJobPollsPerEndpoint: 200,
  managementPerMinute: 50,
  managementBudgetKey: "runpod:management",
};

export function pollerConfig(overrides: Partial<PollerConfig> = {}): PollerConfig {
  return { ...DEFAULT_POLLER_CONFIG, ...overrides, demo: { ...DEFAULT_POLLER_CONFIG.demo, ...(overrides.demo ?? {}) } };
}

/** POLL_*_INTERVAL_MS, POLLER_LEASE_MS, POLLER_CONCURRENCY, RETENTION_RAW_DAYS, SWEEPWATCH_MODE. */
export function pollerConfigFromEnv(env: Env): PollerConfig {
  return pollerConfig({
    mode: env.mode,
    healthIntervalMs: env.POLL_HEALTH_INTERVAL_MS,
    workersIntervalMs: env.POLL_WORKERS_INTERVAL_MS,
    jobsIntervalMs: env.POLL_JOBS_INTERVAL_MS,
    queuedMaxIntervalMs: Math.max(env.POLL_JOBS_INTERVAL_MS * 20, 10_000),
    leaseMs: env.POLLER_LEASE_MS,
    concurrency: env.POLLER_CONCURRENCY,
    retentionRawDays: env.RETENTION_RAW_DAYS,
    logsIntervalMs: env.POLL_WORKERS_INTERVAL_MS,
    tickMs: Math.max(100, Math.min(1_000, Math.floor(env.POLL_JOBS_INTERVAL_MS / 4))),
  });
}
