import type { Ctx } from "@/lib/ctx";
import type { SnapshotPointDto, SnapshotSeriesDto } from "@/lib/api/specs/endpoints";

// Repository of the health time series as the charts read it (raw rows and retention buckets, windowed).

export const DEFAULT_SNAPSHOT_RANGE_MS = 60 * 60 * 1000;
export const DEFAULT_SNAPSHOT_POINTS = 120;
/** Longest range one request may ask for. */
export const MAX_SNAPSHOT_RANGE_MS = 90 * 24 * 60 * 60 * 1000;

interface Row {
  t: Date;
  n: number;
  q: number | null;
  qmax: number | null;
  p: number | null;
  idle: number | null;
  running: number | null;
  init: number | null;
  throttled: number | null;
  unhealthy: number | null;
  ds: boolean;
}

/**
 * Health snapshots of one endpoint in [from, to], averaged into windows of equal width so that
 * at most `points` points come back. Raw rows and retention buckets (raw rows already deleted)
 * are both read; a window fed by buckets is marked `downsampled`. A window fed by both (retention
 * cut through it) merges them weighted by sample count. Unhealthy workers use the maximum: one
 * crash-looping worker must not average away.
 */
export async function listSnapshots(
  input: { endpointId: string; from?: Date; to?: Date; points?: number },
  ctx: Ctx<unknown>,
): Promise<SnapshotSeriesDto> {
  const prisma = ctx.db;
  const { endpointId } = input;
  const to = input.to ?? ctx.now();
  let from = input.from ?? new Date(to.getTime() - DEFAULT_SNAPSHOT_RANGE_MS);
  if (from.getTime() >= to.getTime()) from = new Date(to.getTime() - 1000);
  if (to.getTime() - from.getTime() > MAX_SNAPSHOT_RANGE_MS) from = new Date(to.getTime() - MAX_SNAPSHOT_RANGE_MS);
  const points = input.points ?? DEFAULT_SNAPSHOT_POINTS;
  const stepSeconds = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000 / points));
  const origin = from.getTime() / 1000;

  const rows = await prisma.$queryRaw<Row[]>`
    WITH raw AS (
      SELECT floor((extract(epoch FROM "takenAt") - ${origin}::float8) / ${stepSeconds}::int)::int AS k,
        count(*)::int AS n,
        avg("jobsInQueue")::float8 AS q, max("jobsInQueue")::float8 AS qmax,
        avg("jobsInProgress")::float8 AS p,
        avg("workersIdle")::float8 AS idle, avg("workersRunning")::float8 AS running,
        avg("workersInitializing")::float8 AS init, avg("workersThrottled")::float8 AS throttled,
        max("workersUnhealthy")::float8 AS unhealthy, false AS ds
      FROM health_snapshots
      WHERE "endpointId" = ${endpointId} AND "takenAt" >= ${from} AND "takenAt" <= ${to}
      GROUP BY 1
    ), buckets AS (
      SELECT floor((extract(epoch FROM "bucketStart") - ${origin}::float8) / ${stepSeconds}::int)::int AS k,
        sum(count)::int AS n,
        (sum("avgJobsInQueue" * count) / nullif(sum(count), 0))::float8 AS q, max("maxJobsInQueue")::float8 AS qmax,
        (sum("avgJobsInProgress" * count) / nullif(sum(count), 0))::float8 AS p,
        (sum("avgWorkersIdle" * count) / nullif(sum(count), 0))::float8 AS idle,
        (sum("avgWorkersRunning" * count) / nullif(sum(count), 0))::float8 AS running,
        (sum("avgWorkersInitializing" * count) / nullif(sum(count), 0))::float8 AS init,
        (sum("avgWorkersThrottled" * count) / nullif(sum(count), 0))::float8 AS throttled,
        max("maxWorkersUnhealthy")::float8 AS unhealthy, true AS ds
      FROM health_snapshot_buckets
      WHERE "endpointId" = ${endpointId} AND "bucketStart" >= ${from} AND "bucketStart" <= ${to}
      GROUP BY 1
    )
    SELECT to_timestamp(${origin}::float8 + k * ${stepSeconds}::int) AS t, n, q, qmax, p, idle, running, init, throttled, unhealthy, ds
    FROM (SELECT * FROM raw UNION ALL SELECT * FROM buckets) u
    ORDER BY k, ds`;

  const merged: SnapshotPointDto[] = [];
  const byT = new Map<string, { row: Row; weight: number; ds: boolean; point: SnapshotPointDto }>();
  // null = RunPod did not report the counter in any snapshot of the window
  const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  for (const r of rows) {
    const t = r.t.toISOString();
    const n = Number(r.n) || 0;
    const prev = byT.get(t);
    if (!prev) {
      const point: SnapshotPointDto = {
        t,
        jobsInQueue: r1(r.q),
        jobsInQueueMax: r.qmax,
        jobsInProgress: r1(r.p),
        workersIdle: r1(r.idle),
        workersRunning: r1(r.running),
        workersInitializing: r1(r.init),
        workersThrottled: r1(r.throttled),
        workersUnhealthy: r.unhealthy,
        samples: n,
        downsampled: r.ds,
      };
      byT.set(t, { row: r, weight: n, ds: r.ds, point });
      merged.push(point);
      continue;
    }
    const a = prev.row;
    const w = prev.weight + n || 1;
    const mix = (x: number | null, y: number | null) => (x === null ? r1(y) : y === null ? r1(x) : r1((x * prev.weight + y * n) / w));
    Object.assign(prev.point, {
      jobsInQueue: mix(a.q, r.q),
      jobsInQueueMax: max(a.qmax, r.qmax),
      jobsInProgress: mix(a.p, r.p),
      workersIdle: mix(a.idle, r.idle),
      workersRunning: mix(a.running, r.running),
      workersInitializing: mix(a.init, r.init),
      workersThrottled: mix(a.throttled, r.throttled),
      workersUnhealthy: max(a.unhealthy, r.unhealthy),
      samples: prev.weight + n,
      downsampled: true,
    });
  }
  return {
    endpointId,
    from: from.toISOString(),
    to: to.toISOString(),
    stepSeconds,
    points: merged,
    downsampled: merged.some((p) => p.downsampled),
  };
}
