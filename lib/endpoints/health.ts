import { Prisma } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";

// Repository of health snapshots: the poller's writes and what it reads back after a restart.

/** A counter RunPod did not send is null ("not reported") and is stored as NULL, never 0. */
type Counter = number | null;
export interface HealthCounters {
  jobs: { completed: Counter; failed: Counter; inProgress: Counter; inQueue: Counter; retried: Counter };
  workers: { idle: Counter; initializing: Counter; ready: Counter; running: Counter; throttled: Counter; unhealthy: Counter };
}

/**
 * Stores one /health answer as a time-series row. Idempotent on (endpointId, takenAt):
 * a replay of the same poll is ignored. Returns whether a row was written.
 */
export async function recordHealthSnapshot(
  input: { endpointId: string; takenAt: Date; health: HealthCounters; pollerId?: string | null; raw?: unknown },
  ctx: Ctx<unknown>,
): Promise<boolean> {
  const prisma = ctx.db;
  const { jobs, workers } = input.health;
  const r = await prisma.healthSnapshot.createMany({
    data: [
      {
        endpointId: input.endpointId,
        takenAt: input.takenAt,
        jobsInQueue: jobs.inQueue,
        jobsInProgress: jobs.inProgress,
        jobsCompleted: jobs.completed,
        jobsFailed: jobs.failed,
        jobsRetried: jobs.retried,
        workersIdle: workers.idle,
        workersInitializing: workers.initializing,
        workersReady: workers.ready,
        workersRunning: workers.running,
        workersThrottled: workers.throttled,
        workersUnhealthy: workers.unhealthy,
        raw: (input.raw ?? Prisma.DbNull) as Prisma.InputJsonValue,
        pollerId: input.pollerId ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (r.count) await prisma.endpoint.update({ where: { id: input.endpointId }, data: { lastPolledAt: input.takenAt } });
  return r.count > 0;
}

/** Time of the newest snapshot per endpoint (for scheduling after a restart). */
export async function getLatestSnapshotTimes({ endpointIds }: { endpointIds: string[] }, ctx: Ctx<unknown>): Promise<Map<string, Date>> {
  if (!endpointIds.length) return new Map();
  const rows = await ctx.db.healthSnapshot.groupBy({
    by: ["endpointId"],
    where: { endpointId: { in: endpointIds } },
    _max: { takenAt: true },
  });
  return new Map(rows.filter((r) => r._max.takenAt).map((r) => [r.endpointId, r._max.takenAt as Date]));
}
