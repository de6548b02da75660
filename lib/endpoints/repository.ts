import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import type { EndpointDetailDto, EndpointSummaryDto, EndpointListDto, SnapshotDto, SparkPointDto } from "@/lib/api/specs/endpoints";

/**
 * Repository of endpoints: Prisma queries and row → DTO mapping only (rules live in service.ts).
 * Reads for the API and the endpoints pages return DTOs (ISO dates, no BigInt); the poller's
 * bookkeeping writes (pollable list, workers summary, missing mark) are here too.
 */

const endpointSelect = {
  id: true,
  name: true,
  displayName: true,
  source: true,
  paused: true,
  type: true,
  missingSince: true,
  image: true,
  lastPolledAt: true,
  lastError: true,
  lastErrorAt: true,
} as const;

const detailSelect = {
  ...endpointSelect,
  gpuTypes: true,
  workersMin: true,
  workersMax: true,
  idleTimeout: true,
  configVersion: true,
  createdAt: true,
} as const;

interface SnapshotRow {
  endpointId: string;
  takenAt: Date;
  // null = not reported by RunPod
  jobsInQueue: number | null;
  jobsInProgress: number | null;
  jobsCompleted: number | null;
  jobsFailed: number | null;
  jobsRetried: number | null;
  workersIdle: number | null;
  workersInitializing: number | null;
  workersReady: number | null;
  workersRunning: number | null;
  workersThrottled: number | null;
  workersUnhealthy: number | null;
}

export function toSnapshotDto(r: SnapshotRow): SnapshotDto {
  return {
    takenAt: r.takenAt.toISOString(),
    jobs: { inQueue: r.jobsInQueue, inProgress: r.jobsInProgress, completed: r.jobsCompleted, failed: r.jobsFailed, retried: r.jobsRetried },
    workers: {
      idle: r.workersIdle,
      initializing: r.workersInitializing,
      ready: r.workersReady,
      running: r.workersRunning,
      throttled: r.workersThrottled,
      unhealthy: r.workersUnhealthy,
    },
  };
}

/** Sparkline window of the endpoints list. */
export const SPARKLINE_WINDOW_MS = 60 * 60 * 1000;

interface Aggregates {
  latest: Map<string, SnapshotRow>;
  jobCounts: Map<string, Record<string, number>>;
  workerCounts: Map<string, Record<string, number>>;
  flagged: Map<string, number>;
  spark: Map<string, SparkPointDto[]>;
}

/** Everything the summaries need besides the endpoint rows, in five set-based queries (no per-endpoint round trips). */
async function loadAggregates(prisma: PrismaClient, ids: string[], now: Date): Promise<Aggregates> {
  const out: Aggregates = { latest: new Map(), jobCounts: new Map(), workerCounts: new Map(), flagged: new Map(), spark: new Map() };
  if (!ids.length) return out;
  const since = new Date(now.getTime() - SPARKLINE_WINDOW_MS);
  const [latest, jobs, workers, flagged, spark] = await Promise.all([
    // One index probe per endpoint on (endpointId, takenAt).
    prisma.$queryRaw<SnapshotRow[]>`
      SELECT s.* FROM unnest(${ids}::text[]) AS e(id)
      CROSS JOIN LATERAL (
        SELECT "endpointId", "takenAt", "jobsInQueue", "jobsInProgress", "jobsCompleted", "jobsFailed", "jobsRetried",
               "workersIdle", "workersInitializing", "workersReady", "workersRunning", "workersThrottled", "workersUnhealthy"
        FROM health_snapshots WHERE "endpointId" = e.id ORDER BY "takenAt" DESC LIMIT 1
      ) s`,
    prisma.job.groupBy({ by: ["endpointId", "status"], where: { endpointId: { in: ids } }, _count: { _all: true } }),
    prisma.worker.groupBy({ by: ["endpointId", "status"], where: { endpointId: { in: ids }, goneAt: null }, _count: { _all: true } }),
    prisma.job.groupBy({ by: ["endpointId"], where: { endpointId: { in: ids }, flag: { not: null } }, _count: { _all: true } }),
    prisma.$queryRaw<{ endpointId: string; t: Date; q: number | null }[]>`
      SELECT "endpointId", date_trunc('minute', "takenAt") AS t, avg("jobsInQueue")::float8 AS q
      FROM health_snapshots
      WHERE "endpointId" = ANY(${ids}::text[]) AND "takenAt" >= ${since} AND "takenAt" <= ${now}
      GROUP BY 1, 2
      UNION ALL
      SELECT "endpointId", "bucketStart" AS t, "avgJobsInQueue" AS q
      FROM health_snapshot_buckets
      WHERE "endpointId" = ANY(${ids}::text[]) AND "bucketStart" >= ${since} AND "bucketStart" <= ${now}
      ORDER BY 1, 2`,
  ]);
  for (const r of latest) out.latest.set(r.endpointId, r);
  for (const r of jobs) {
    const m = out.jobCounts.get(r.endpointId) ?? {};
    m[r.status] = r._count._all;
    out.jobCounts.set(r.endpointId, m);
  }
  for (const r of workers) {
    const m = out.workerCounts.get(r.endpointId) ?? {};
    m[r.status] = r._count._all;
    out.workerCounts.set(r.endpointId, m);
  }
  for (const r of flagged) out.flagged.set(r.endpointId, r._count._all);
  for (const r of spark) {
    const list = out.spark.get(r.endpointId) ?? [];
    const t = r.t.toISOString();
    // A minute present both raw and bucketed (retention cut through it): keep the first.
    if (r.q !== null && list.at(-1)?.t !== t) list.push({ t, inQueue: Math.round(Number(r.q) * 10) / 10 });
    out.spark.set(r.endpointId, list);
  }
  return out;
}

type EndpointReadRow = {
  id: string;
  name: string;
  displayName: string | null;
  source: "discovered" | "manual";
  paused: boolean;
  type: string;
  missingSince: Date | null;
  image: string | null;
  lastPolledAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
};

function toSummary(e: EndpointReadRow, agg: Aggregates, now: Date): EndpointSummaryDto {
  const snap = agg.latest.get(e.id);
  return {
    id: e.id,
    name: e.name,
    displayName: e.displayName,
    source: e.source,
    paused: e.paused,
    type: e.type,
    missingSince: e.missingSince?.toISOString() ?? null,
    image: e.image,
    lastPolledAt: e.lastPolledAt?.toISOString() ?? null,
    lastError: e.lastError,
    lastErrorAt: e.lastErrorAt?.toISOString() ?? null,
    latestSnapshot: snap ? toSnapshotDto(snap) : null,
    snapshotAgeSeconds: snap ? Math.max(0, Math.round((now.getTime() - snap.takenAt.getTime()) / 1000)) : null,
    jobCounts: agg.jobCounts.get(e.id) ?? {},
    workerCounts: agg.workerCounts.get(e.id) ?? {},
    flaggedJobs: agg.flagged.get(e.id) ?? 0,
    queueSparkline: agg.spark.get(e.id) ?? [],
  };
}

/** Every endpoint (display name, then id) with its latest snapshot and age, counts and the last hour's queue depth. */
export async function listEndpoints(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<EndpointListDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const rows = await prisma.endpoint.findMany({ select: endpointSelect, orderBy: [{ id: "asc" }], take: 1000 });
  const agg = await loadAggregates(
    prisma,
    rows.map((r) => r.id),
    now,
  );
  const endpoints = rows
    .map((r) => toSummary(r, agg, now))
    .sort((a, b) => (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name) || a.id.localeCompare(b.id));
  return { endpoints, generatedAt: now.toISOString() };
}

/** One endpoint with configuration and its last poll errors; null when unknown. */
export async function getEndpoint({ id }: { id: string }, ctx: Ctx<unknown>): Promise<EndpointDetailDto | null> {
  const prisma = ctx.db;
  const now = ctx.now();
  const row = await prisma.endpoint.findUnique({ where: { id }, select: detailSelect });
  if (!row) return null;
  const [agg, errors] = await Promise.all([
    loadAggregates(prisma, [id], now),
    prisma.pollError.findMany({
      where: { endpointId: id },
      orderBy: { at: "desc" },
      take: 10,
      select: { at: true, operation: true, httpStatus: true, message: true },
    }),
  ]);
  return {
    ...toSummary(row, agg, now),
    gpuTypes: row.gpuTypes,
    workersMin: row.workersMin,
    workersMax: row.workersMax,
    idleTimeout: row.idleTimeout,
    configVersion: row.configVersion,
    createdAt: row.createdAt.toISOString(),
    recentErrors: errors.map((e) => ({ at: e.at.toISOString(), operation: e.operation, httpStatus: e.httpStatus, message: e.message })),
    generatedAt: now.toISOString(),
  };
}

/** True when the endpoint exists (cheap check for nested routes). */
export async function endpointExists({ id }: { id: string }, ctx: Ctx<unknown>): Promise<boolean> {
  return (await ctx.db.endpoint.count({ where: { id } })) > 0;
}

// ───────────── writes ─────────────

export interface EndpointRow {
  id: string;
  name: string;
  displayName: string | null;
  source: "discovered" | "manual";
  paused: boolean;
}

const rowSelect = { id: true, name: true, displayName: true, source: true, paused: true } as const;

/** Creates a manual endpoint, or sets the display name of an existing one (its other data kept). */
export function upsertManualEndpoint(db: PrismaClient, input: { id: string; displayName: string | null }): Promise<EndpointRow> {
  const { id, displayName } = input;
  return db.endpoint.upsert({
    where: { id },
    create: { id, name: displayName ?? id, displayName, source: "manual" },
    update: displayName ? { displayName } : {},
    select: rowSelect,
  });
}

/** Throws Prisma's P2025 for an unknown id. */
export function updateEndpointPaused(db: PrismaClient, input: { id: string; paused: boolean }): Promise<EndpointRow> {
  return db.endpoint.update({ where: { id: input.id }, data: { paused: input.paused }, select: rowSelect });
}

/** An endpoint's configuration as the management API describes it. */
export interface EndpointConfigData {
  name: string;
  type: "QUEUE" | "LOAD_BALANCER";
  image: string | null;
  workersMin: number | null;
  workersMax: number | null;
  idleTimeout: number | null;
  config: Prisma.InputJsonValue;
  gpuTypes?: string[];
}

/** The stored configuration of the given endpoints (unknown ids are left out). */
export function findEndpointConfigs(db: PrismaClient, ids: string[]) {
  return db.endpoint.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, type: true, image: true, workersMin: true, workersMax: true, idleTimeout: true, config: true },
  });
}

/** A discovered endpoint; one created meanwhile (another poller) is left as it is. */
export async function createDiscoveredEndpoint(db: PrismaClient, id: string, data: EndpointConfigData): Promise<void> {
  await db.endpoint.createMany({ data: [{ id, source: "discovered", ...data }], skipDuplicates: true });
}

export async function updateEndpointConfig(db: PrismaClient, id: string, data: EndpointConfigData): Promise<void> {
  await db.endpoint.update({ where: { id }, data });
}

/** Endpoints the poller should work on: not paused, queue-based (a load balancer has no queue API), in id order. */
export async function listPollableEndpoints(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<string[]> {
  const rows = await ctx.db.endpoint.findMany({ where: { paused: false, type: { not: "LOAD_BALANCER" } }, select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((r) => r.id);
}

/**
 * What a workers list tells about the endpoint: its configuration version (`endpointVersion`; the v2
 * endpoint object has none) and the worker summary by status (the documented source of the counts
 * /health may leave out).
 */
export async function recordWorkersList(
  input: { endpointId: string; version: number | string | null; summary: { running: number; idle: number; initializing: number; throttled: number; unhealthy: number; total: number }; at: Date },
  ctx: Ctx<unknown>,
): Promise<void> {
  const version = input.version === null ? undefined : String(input.version).slice(0, 64);
  await ctx.db.endpoint.updateMany({
    where: { id: input.endpointId },
    data: { workerSummary: input.summary, workerSummaryAt: input.at, ...(version !== undefined ? { configVersion: version } : {}) },
  });
}

/** /health answered 404 (missing: since `at`) or answers again (cleared). Open jobs are left as they are. */
export async function markEndpointMissing(input: { endpointId: string; missing: boolean; at: Date }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.endpoint.updateMany({
    where: { id: input.endpointId, missingSince: input.missing ? null : { not: null } },
    data: { missingSince: input.missing ? input.at : null },
  });
}
