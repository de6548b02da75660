import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Retention: raw health snapshots and log lines older than the cutoff are folded into
 * 1-minute buckets (HealthSnapshotBucket, LogVolumeBucket) and deleted, each table in one
 * statement (DELETE ... RETURNING feeding INSERT ... ON CONFLICT), so a crash cannot lose
 * or double-count rows and a second run over the same cutoff changes nothing. A bucket that
 * already exists (a run that cut through a minute) is merged: counts add, averages weight.
 */
export const BUCKET_SECONDS = 60;

export async function downsampleOlderThan(
  cutoff: Date,
  deps: { prisma?: PrismaClient; endpointIds?: string[] } = {},
): Promise<{ snapshots: number; logLines: number }> {
  const prisma = deps.prisma ?? getPrisma();
  const ids = deps.endpointIds ?? null;
  const snap = await prisma.$queryRaw<{ n: bigint }[]>`
    WITH moved AS (
      DELETE FROM health_snapshots
      WHERE "takenAt" < ${cutoff} AND (${ids}::text[] IS NULL OR "endpointId" = ANY(${ids}::text[]))
      RETURNING *
    ), agg AS (
      SELECT "endpointId", date_trunc('minute', "takenAt") AS "bucketStart", count(*)::int AS n,
        avg("jobsInQueue")::float8 AS aq, max("jobsInQueue") AS mq,
        avg("jobsInProgress")::float8 AS ap, max("jobsInProgress") AS mp,
        max("jobsCompleted") AS mc, max("jobsFailed") AS mf,
        avg("workersIdle")::float8 AS wi, avg("workersRunning")::float8 AS wr, max("workersRunning") AS mwr,
        avg("workersInitializing")::float8 AS win, avg("workersThrottled")::float8 AS wt, max("workersUnhealthy") AS mwu
      FROM moved GROUP BY 1, 2
    ), ins AS (
      INSERT INTO health_snapshot_buckets AS b ("endpointId", "bucketStart", "resolutionSec", count,
        "avgJobsInQueue", "maxJobsInQueue", "avgJobsInProgress", "maxJobsInProgress", "maxJobsCompleted", "maxJobsFailed",
        "avgWorkersIdle", "avgWorkersRunning", "maxWorkersRunning", "avgWorkersInitializing", "avgWorkersThrottled", "maxWorkersUnhealthy")
      SELECT "endpointId", "bucketStart", ${BUCKET_SECONDS}, n, aq, mq, ap, mp, mc, mf, wi, wr, mwr, win, wt, mwu FROM agg
      ON CONFLICT ("endpointId", "resolutionSec", "bucketStart") DO UPDATE SET
        count = b.count + EXCLUDED.count,
        "avgJobsInQueue" = (b."avgJobsInQueue" * b.count + EXCLUDED."avgJobsInQueue" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "maxJobsInQueue" = GREATEST(b."maxJobsInQueue", EXCLUDED."maxJobsInQueue"),
        "avgJobsInProgress" = (b."avgJobsInProgress" * b.count + EXCLUDED."avgJobsInProgress" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "maxJobsInProgress" = GREATEST(b."maxJobsInProgress", EXCLUDED."maxJobsInProgress"),
        "maxJobsCompleted" = GREATEST(b."maxJobsCompleted", EXCLUDED."maxJobsCompleted"),
        "maxJobsFailed" = GREATEST(b."maxJobsFailed", EXCLUDED."maxJobsFailed"),
        "avgWorkersIdle" = (b."avgWorkersIdle" * b.count + EXCLUDED."avgWorkersIdle" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "avgWorkersRunning" = (b."avgWorkersRunning" * b.count + EXCLUDED."avgWorkersRunning" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "maxWorkersRunning" = GREATEST(b."maxWorkersRunning", EXCLUDED."maxWorkersRunning"),
        "avgWorkersInitializing" = (b."avgWorkersInitializing" * b.count + EXCLUDED."avgWorkersInitializing" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "avgWorkersThrottled" = (b."avgWorkersThrottled" * b.count + EXCLUDED."avgWorkersThrottled" * EXCLUDED.count) / (b.count + EXCLUDED.count),
        "maxWorkersUnhealthy" = GREATEST(b."maxWorkersUnhealthy", EXCLUDED."maxWorkersUnhealthy")
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved) AS n`;
  const logs = await prisma.$queryRaw<{ n: bigint }[]>`
    WITH moved AS (
      DELETE FROM log_lines
      WHERE ts < ${cutoff} AND (${ids}::text[] IS NULL OR "endpointId" = ANY(${ids}::text[]))
      RETURNING "endpointId", "workerId", source, ts, text
    ), agg AS (
      SELECT "endpointId", coalesce("workerId", '') AS "workerId", source, date_trunc('minute', ts) AS "bucketStart",
        count(*)::int AS n, sum(octet_length(text))::bigint AS bytes
      FROM moved GROUP BY 1, 2, 3, 4
    ), ins AS (
      INSERT INTO log_volume_buckets AS b ("endpointId", "workerId", source, "bucketStart", "resolutionSec", "lineCount", "byteCount")
      SELECT "endpointId", "workerId", source, "bucketStart", ${BUCKET_SECONDS}, n, bytes FROM agg
      ON CONFLICT ("endpointId", "workerId", source, "resolutionSec", "bucketStart") DO UPDATE SET
        "lineCount" = b."lineCount" + EXCLUDED."lineCount",
        "byteCount" = b."byteCount" + EXCLUDED."byteCount"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved) AS n`;
  return { snapshots: Number(snap[0]?.n ?? 0), logLines: Number(logs[0]?.n ?? 0) };
}
