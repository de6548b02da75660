import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { prepareTimeline, type TimelineRaw } from "@/lib/charts/timeline";
import type { TimelineDto } from "@/lib/api/specs/crashes";

// Repository of one endpoint's timeline: bounded reads of every row kind, shaped by lib/charts/timeline.

const CAP = { snapshots: 5_000, workers: 200, events: 5_000, crashes: 3_000, trials: 1_000, incidents: 100 };
const num = (d: Date | null | undefined) => (d ? d.getTime() : null);

function startedAtOf(detail: unknown, key: "startedAt" | "previousStartedAt"): number | null {
  const v = detail && typeof detail === "object" ? (detail as Record<string, unknown>)[key] : null;
  if (typeof v !== "string") return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** Reads one endpoint's timeline rows for [from, to] (bounded; default the last hour) and prepares them. 404 for an unknown endpoint. */
export async function getEndpointTimeline(input: { endpointId: string; from?: Date; to?: Date }, ctx: Ctx<unknown>): Promise<TimelineDto> {
  const prisma = ctx.db;
  const to = input.to ?? ctx.now();
  const from = input.from ?? new Date(to.getTime() - 60 * 60_000);
  const endpointId = input.endpointId;
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${endpointId} is not known.`);

  const [snapshots, workers, events, crashes, incidents, deploys, trials] = await Promise.all([
    prisma.healthSnapshot.findMany({ where: { endpointId, takenAt: { gte: from, lte: to } }, orderBy: { takenAt: "asc" }, take: CAP.snapshots, select: { takenAt: true, jobsInQueue: true } }),
    prisma.worker.findMany({
      where: { endpointId, firstSeenAt: { lte: to }, OR: [{ goneAt: null }, { goneAt: { gte: from } }] },
      orderBy: { firstSeenAt: "desc" },
      take: CAP.workers,
      select: { id: true, image: true, firstSeenAt: true, goneAt: true },
    }),
    prisma.workerEvent.findMany({
      where: { endpointId, at: { gte: from, lte: to }, kind: { in: ["appeared", "state_change", "restart", "gone"] } },
      orderBy: { at: "asc" },
      take: CAP.events,
      select: { workerId: true, kind: true, toStatus: true, at: true, detail: true },
    }),
    prisma.crashEvent.findMany({
      where: { endpointId, at: { gte: new Date(from.getTime() - 10 * 60_000), lte: to } },
      orderBy: { at: "desc" },
      take: CAP.crashes,
      select: { id: true, workerId: true, at: true, signature: true, title: true, exitCode: true },
    }),
    prisma.incident.findMany({
      where: { endpointId, openedAt: { lte: to }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: from } }, { lastRegressedAt: { gte: from } }] },
      orderBy: { openedAt: "desc" },
      take: CAP.incidents,
      select: { id: true, title: true, state: true, openedAt: true, resolvedAt: true, events: { where: { kind: { in: ["opened", "resolved", "regressed"] } }, orderBy: { at: "asc" }, select: { kind: true, at: true } } },
    }),
    prisma.$queryRaw<{ image: string; version: string | null; t: Date }[]>`
      SELECT image, version, min(at) AS t FROM worker_events
      WHERE "endpointId" = ${endpointId} AND image IS NOT NULL AND kind IN ('appeared', 'state_change')
      GROUP BY image, version ORDER BY t LIMIT 200`,
    prisma.trial.findMany({
      where: { sweep: { endpointId }, submittedAt: { lte: to }, OR: [{ finishedAt: null }, { finishedAt: { gte: from } }] },
      orderBy: { submittedAt: "asc" },
      take: CAP.trials,
      select: { id: true, sweepId: true, number: true, status: true, submittedAt: true, finishedAt: true, sweep: { select: { name: true } } },
    }),
  ]);

  const ids = workers.map((w) => w.id);
  const before = ids.length
    ? await prisma.$queryRaw<{ workerId: string; toStatus: string }[]>`
        SELECT DISTINCT ON ("workerId") "workerId", "toStatus" FROM worker_events
        WHERE "endpointId" = ${endpointId} AND "workerId" = ANY(${ids}::text[]) AND at < ${from} AND "toStatus" IS NOT NULL
        ORDER BY "workerId", at DESC`
    : [];

  // first appearance of each (image, version): a deploy only when it is not the first one overall
  const deployRows = deploys.map((d) => ({ t: new Date(d.t).getTime(), image: d.image, version: d.version }));
  const raw: TimelineRaw = {
    endpointId,
    from: from.getTime(),
    to: to.getTime(),
    snapshots: snapshots.flatMap((s) => (s.jobsInQueue === null ? [] : [{ t: s.takenAt.getTime(), inQueue: s.jobsInQueue }])), // a queue size RunPod did not report is no point
    workers: workers.map((w) => ({ id: w.id, image: w.image, firstSeenAt: w.firstSeenAt.getTime(), goneAt: num(w.goneAt) })),
    initialStatus: Object.fromEntries(before.map((b) => [b.workerId, b.toStatus])),
    workerEvents: events.map((e) => ({
      workerId: e.workerId,
      kind: e.kind,
      toStatus: e.kind === "gone" ? null : e.toStatus,
      at: e.at.getTime(),
      startedAt: e.kind === "restart" ? startedAtOf(e.detail, "startedAt") : null,
      previousStartedAt: e.kind === "restart" ? startedAtOf(e.detail, "previousStartedAt") : null,
    })),
    crashes: crashes.map((c) => ({ id: c.id.toString(), workerId: c.workerId, at: c.at.getTime(), signature: c.signature, title: c.title, exitCode: c.exitCode })),
    incidents: incidents.map((i) => ({
      id: i.id.toString(),
      title: i.title,
      state: i.state,
      openedAt: i.openedAt.getTime(),
      resolvedAt: num(i.resolvedAt),
      events: i.events.map((e) => ({ kind: e.kind, at: e.at.getTime() })),
    })),
    deploys: deployRows.filter((d, i) => i > 0 || deployRows.length === 1),
    trials: trials
      .filter((t) => t.submittedAt)
      .map((t) => ({ id: t.id, sweepId: t.sweepId, sweepName: t.sweep.name, number: t.number, start: t.submittedAt!.getTime(), end: num(t.finishedAt), status: t.status })),
    truncated: snapshots.length === CAP.snapshots || events.length === CAP.events || crashes.length === CAP.crashes || workers.length === CAP.workers,
  };
  return prepareTimeline(raw);
}
