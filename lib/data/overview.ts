import type { PrismaClient } from "@/lib/db";
import type { OverviewDto } from "@/lib/api/specs/criteria";
import type { EndpointSummaryDto } from "@/lib/api/specs/endpoints";
import { countByHorizon } from "@/lib/charts/criteria";
import { listCriteria } from "@/lib/data/criteria";
import { listEndpoints } from "@/lib/data/endpoints-read";
import { ACTIVE_STATES, CRASH_LOOP_FLAG, listSweeps } from "@/lib/data/sweeps";
import { getPollerLastTick } from "@/lib/data/system";

/**
 * Everything the home page shows, in one call (GET /api/overview). Endpoints and sweeps come from
 * their own readers; incidents and flagged jobs are read here with small bounded queries, so the
 * overview works whether or not the detection helpers are in place.
 */

const ITEMS = 8;

type EndpointHealth = OverviewDto["endpoints"][number]["health"];

/** One word and one line per endpoint, from its latest /health snapshot and what detection flagged. */
export function describeEndpointHealth(e: Pick<EndpointSummaryDto, "paused" | "latestSnapshot" | "flaggedJobs">, openIncidents: number): { health: EndpointHealth; text: string } {
  if (e.paused) return { health: "paused", text: "Polling paused" };
  const s = e.latestSnapshot;
  if (e.flaggedJobs > 0) return { health: "crash_looping", text: `Crash loop: ${e.flaggedJobs} queued job${e.flaggedJobs === 1 ? "" : "s"} flagged` };
  if (!s) return { health: "unknown", text: "No /health answer recorded yet" };
  const ready = s.workers.idle + s.workers.running;
  if (openIncidents > 0) return { health: "crash_looping", text: `${openIncidents} open incident${openIncidents === 1 ? "" : "s"}` };
  if (s.workers.unhealthy > 0 && ready === 0) return { health: "degraded", text: `${s.workers.unhealthy} unhealthy worker${s.workers.unhealthy === 1 ? "" : "s"}, none ready` };
  if (s.jobs.inQueue > 0 && ready === 0) {
    return { health: "no_workers", text: s.workers.throttled > 0 ? `${s.workers.throttled} worker(s) throttled, jobs waiting` : s.workers.initializing > 0 ? "Workers starting, jobs waiting" : "No ready worker, jobs waiting" };
  }
  if (s.workers.unhealthy > 0) return { health: "degraded", text: `${ready} ready, ${s.workers.unhealthy} unhealthy` };
  return { health: "healthy", text: ready > 0 ? `${ready} worker${ready === 1 ? "" : "s"} ready` : "Scaled to zero, nothing waiting" };
}

export async function getOverview(prisma: PrismaClient, opts: { now?: Date } = {}): Promise<OverviewDto> {
  const now = opts.now ?? new Date();
  const [endpointList, sweeps, activeSweeps, criteria, pollerTick, incidents, incidentCount, flaggedItems, flaggedByEndpoint] = await Promise.all([
    listEndpoints({ prisma, now }),
    listSweeps({ limit: ITEMS, state: [...ACTIVE_STATES] }, { prisma }),
    prisma.sweep.count({ where: { state: { in: [...ACTIVE_STATES] } } }),
    listCriteria(prisma),
    getPollerLastTick(prisma),
    prisma.incident.findMany({
      where: { state: { in: ["open", "acknowledged"] } },
      orderBy: [{ openedAt: "desc" }, { id: "desc" }],
      take: ITEMS,
      select: { id: true, endpointId: true, title: true, signature: true, state: true, openedAt: true, acknowledgedBy: true },
    }),
    prisma.incident.groupBy({ by: ["endpointId"], where: { state: { in: ["open", "acknowledged"] } }, _count: { _all: true } }),
    prisma.job.findMany({
      where: { flag: CRASH_LOOP_FLAG, status: { in: ["IN_QUEUE", "UNKNOWN"] } },
      orderBy: [{ submittedAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: ITEMS,
      select: { id: true, endpointId: true, status: true, flag: true, submittedAt: true, trial: { select: { sweepId: true } } },
    }),
    prisma.job.groupBy({ by: ["endpointId"], where: { flag: CRASH_LOOP_FLAG, status: { in: ["IN_QUEUE", "UNKNOWN"] } }, _count: { _all: true } }),
  ]);
  const nameOf = new Map(endpointList.endpoints.map((e) => [e.id, e.displayName ?? e.name]));
  const incidentsBy = new Map(incidentCount.map((r) => [r.endpointId, r._count._all]));
  // Queued flagged jobs only: a flag on a job that left the queue is history, not a current problem.
  const flaggedBy = new Map(flaggedByEndpoint.map((r) => [r.endpointId, r._count._all]));
  const newestSnapshot = endpointList.endpoints
    .map((e) => e.latestSnapshot?.takenAt)
    .filter((t): t is string => !!t)
    .sort()
    .at(-1);
  const enabled = criteria.filter((c) => c.enabled);
  const evaluated = enabled.map((c) => c.evaluatedAt).filter((x): x is string => !!x).sort();

  return {
    generatedAt: now.toISOString(),
    dataAge: { newestSnapshotAt: newestSnapshot ?? null, pollerLastTickAt: pollerTick?.toISOString() ?? null },
    incidents: {
      open: incidentCount.reduce((n, r) => n + r._count._all, 0),
      items: incidents.map((i) => ({
        id: String(i.id),
        endpointId: i.endpointId,
        endpointName: nameOf.get(i.endpointId) ?? i.endpointId,
        title: i.title,
        signature: i.signature,
        state: i.state as "open" | "acknowledged",
        openedAt: i.openedAt.toISOString(),
        acknowledgedBy: i.acknowledgedBy,
      })),
    },
    flaggedJobs: {
      total: flaggedByEndpoint.reduce((n, r) => n + r._count._all, 0),
      byEndpoint: flaggedByEndpoint
        .map((r) => ({ endpointId: r.endpointId, endpointName: nameOf.get(r.endpointId) ?? r.endpointId, count: r._count._all }))
        .sort((a, b) => b.count - a.count),
      items: flaggedItems.map((j) => ({
        id: j.id,
        endpointId: j.endpointId,
        status: j.status,
        flag: j.flag ?? CRASH_LOOP_FLAG,
        submittedAt: j.submittedAt?.toISOString() ?? null,
        sweepId: j.trial?.sweepId ?? null,
      })),
    },
    endpoints: endpointList.endpoints.map((e) => {
      const open = incidentsBy.get(e.id) ?? 0;
      const flagged = flaggedBy.get(e.id) ?? 0;
      const h = describeEndpointHealth({ ...e, flaggedJobs: flagged }, open);
      const s = e.latestSnapshot;
      return {
        id: e.id,
        name: e.displayName ?? e.name,
        paused: e.paused,
        health: h.health,
        healthText: h.text,
        inQueue: s?.jobs.inQueue ?? null,
        inProgress: s?.jobs.inProgress ?? null,
        workersReady: s ? s.workers.idle + s.workers.running : null,
        workersUnhealthy: s?.workers.unhealthy ?? null,
        flaggedJobs: flagged,
        openIncidents: open,
        snapshotAt: s?.takenAt ?? null,
        lastError: e.lastError,
      };
    }),
    sweeps: {
      running: activeSweeps,
      items: sweeps.sweeps.map((s) => ({
        id: s.id,
        name: s.name,
        endpointId: s.endpointId,
        state: s.state,
        done: s.progress.done,
        total: s.progress.total,
        failed: s.progress.failed,
        bestValue: s.bestValue,
        metricName: s.metric.name,
        flagged: s.flag !== null,
      })),
    },
    criteria: {
      total: enabled.length,
      evaluatedAt: evaluated.at(-1) ?? null,
      byHorizon: countByHorizon(enabled),
      failing: enabled.filter((c) => c.state === "fail").map((c) => ({ id: c.id, title: c.title, horizon: c.horizon, summary: c.summary })),
    },
  };
}
