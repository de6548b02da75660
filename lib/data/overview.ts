import type { PrismaClient } from "@/lib/db";
import type { OverviewDto } from "@/lib/api/specs/criteria";
import type { EndpointSummaryDto } from "@/lib/api/specs/endpoints";
import { countByHorizon } from "@/lib/charts/criteria";
import { createCtx } from "@/lib/ctx";
import { listCriteria } from "@/lib/criteria/repository";
import { listEndpoints } from "@/lib/endpoints/repository";
import { listSweeps } from "@/lib/sweeps/repository";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import { WAITING_JOB_STATUSES } from "@/lib/domain/job/status";
import { ACTIVE_SWEEP_STATES } from "@/lib/domain/sweep/states";
import { getPollerLastTick } from "@/lib/data/system";
import { isQueueAlert } from "@/lib/incidents/detection/incidents";

/**
 * Everything the home page shows, in one call (GET /api/overview). Endpoints and sweeps come from
 * their own readers; incidents and flagged jobs are read here with small bounded queries, so the
 * overview works whether or not the detection helpers are in place.
 */

const ITEMS = 8;

type EndpointHealth = OverviewDto["endpoints"][number]["health"];

/** One word and one line per endpoint, from its latest /health snapshot and what detection flagged. */
export function describeEndpointHealth(
  e: Pick<EndpointSummaryDto, "paused" | "latestSnapshot" | "flaggedJobs"> & Partial<Pick<EndpointSummaryDto, "type" | "missingSince">>,
  openIncidents: number,
  /** open classifier-free alerts (queue age, stalled queue, completion rate): a problem, not a crash loop */
  openAlerts = 0,
): { health: EndpointHealth; text: string } {
  const base = describeCrashHealth(e, openIncidents);
  if (openAlerts === 0 || base.health === "paused") return base;
  const alerts = `${openAlerts} open alert${openAlerts === 1 ? "" : "s"}`;
  if (base.health === "healthy" || base.health === "unknown") return { health: "degraded", text: `${alerts}; ${base.text}` };
  return { health: base.health, text: `${base.text}; ${alerts}` };
}

function describeCrashHealth(
  e: Pick<EndpointSummaryDto, "paused" | "latestSnapshot" | "flaggedJobs"> & Partial<Pick<EndpointSummaryDto, "type" | "missingSince">>,
  openIncidents: number,
): { health: EndpointHealth; text: string } {
  if (e.paused) return { health: "paused", text: "Polling paused" };
  if (e.type === "LOAD_BALANCER") return { health: "unknown", text: "Load-balancer endpoint: no queue to watch, not polled" };
  if (e.missingSince) return { health: "degraded", text: "Missing: RunPod answers 404 (deleted or mistyped endpoint)" };
  const s = e.latestSnapshot;
  if (e.flaggedJobs > 0) return { health: "crash_looping", text: `Crash loop: ${e.flaggedJobs} queued job${e.flaggedJobs === 1 ? "" : "s"} flagged` };
  if (!s) return { health: "unknown", text: "No /health answer recorded yet" };
  // A counter RunPod did not report (null) is unknown, never 0: no rule fires on it.
  const ready = readyWorkers(s);
  const { unhealthy, throttled, initializing } = s.workers;
  if (openIncidents > 0) return { health: "crash_looping", text: `${openIncidents} open incident${openIncidents === 1 ? "" : "s"}` };
  if (unhealthy !== null && unhealthy > 0 && ready === 0) return { health: "degraded", text: `${unhealthy} unhealthy worker${unhealthy === 1 ? "" : "s"}, none ready` };
  if (s.jobs.inQueue !== null && s.jobs.inQueue > 0 && ready === 0) {
    return {
      health: "no_workers",
      text:
        throttled !== null && throttled > 0
          ? `${throttled} worker(s) throttled, jobs waiting`
          : initializing !== null && initializing > 0
            ? "Workers starting, jobs waiting"
            : unhealthy === null
              ? "No ready worker, jobs waiting (unhealthy workers not reported)"
              : "No ready worker, jobs waiting",
    };
  }
  if (unhealthy !== null && unhealthy > 0) return { health: "degraded", text: `${ready ?? "?"} ready, ${unhealthy} unhealthy` };
  if (ready === null) return { health: "unknown", text: "Ready workers not reported" };
  return { health: "healthy", text: ready > 0 ? `${ready} worker${ready === 1 ? "" : "s"} ready` : "Scaled to zero, nothing waiting" };
}

/** idle + running, from what RunPod reported; null when it reported neither. */
function readyWorkers(s: NonNullable<EndpointSummaryDto["latestSnapshot"]>): number | null {
  const { idle, running } = s.workers;
  return idle === null && running === null ? null : (idle ?? 0) + (running ?? 0);
}

export async function getOverview(prisma: PrismaClient, opts: { now?: Date } = {}): Promise<OverviewDto> {
  const now = opts.now ?? new Date();
  const [endpointList, sweeps, activeSweeps, criteria, pollerTick, incidents, incidentCount, flaggedItems, flaggedByEndpoint] = await Promise.all([
    listEndpoints({}, createCtx({ db: prisma, now: () => now })),
    listSweeps({ limit: ITEMS, state: [...ACTIVE_SWEEP_STATES] }, createCtx({ db: prisma })),
    prisma.sweep.count({ where: { state: { in: [...ACTIVE_SWEEP_STATES] } } }),
    listCriteria({}, createCtx({ db: prisma })),
    getPollerLastTick(prisma),
    prisma.incident.findMany({
      where: { state: { in: ["open", "acknowledged"] } },
      orderBy: [{ openedAt: "desc" }, { id: "desc" }],
      take: ITEMS,
      select: { id: true, endpointId: true, title: true, signature: true, state: true, openedAt: true, acknowledgedBy: true },
    }),
    prisma.incident.groupBy({ by: ["endpointId", "signature"], where: { state: { in: ["open", "acknowledged"] } }, _count: { _all: true } }),
    prisma.job.findMany({
      where: { flag: CRASH_LOOP_FLAG, status: { in: [...WAITING_JOB_STATUSES] } },
      orderBy: [{ submittedAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: ITEMS,
      select: { id: true, endpointId: true, status: true, flag: true, submittedAt: true, trial: { select: { sweepId: true } } },
    }),
    prisma.job.groupBy({ by: ["endpointId"], where: { flag: CRASH_LOOP_FLAG, status: { in: [...WAITING_JOB_STATUSES] } }, _count: { _all: true } }),
  ]);
  const nameOf = new Map(endpointList.endpoints.map((e) => [e.id, e.displayName ?? e.name]));
  // crash incidents make an endpoint "crash-looping"; classifier-free alerts (alert_*) only degrade it
  const incidentsBy = new Map<string, number>();
  const alertsBy = new Map<string, number>();
  for (const r of incidentCount) {
    const m = isQueueAlert(r.signature) ? alertsBy : incidentsBy;
    m.set(r.endpointId, (m.get(r.endpointId) ?? 0) + r._count._all);
  }
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
      const h = describeEndpointHealth({ ...e, flaggedJobs: flagged }, open, alertsBy.get(e.id) ?? 0);
      const s = e.latestSnapshot;
      return {
        id: e.id,
        name: e.displayName ?? e.name,
        paused: e.paused,
        health: h.health,
        healthText: h.text,
        inQueue: s?.jobs.inQueue ?? null,
        inProgress: s?.jobs.inProgress ?? null,
        workersReady: s ? readyWorkers(s) : null,
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
