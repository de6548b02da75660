import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { crashEventSelect, toCrashEventDto } from "@/lib/incidents/crashes";
import type { DetectionSettingsDto, IncidentDetailDto, IncidentPageDto, IncidentSummaryDto } from "@/lib/api/specs/incidents";
import { DEFAULT_DETECTION_CONFIG, DETECTION_SETTINGS_KEY, DetectionConfigSchema } from "@/lib/incidents/detection/config";
import { runbookFor } from "@/lib/incidents/detection/runbooks";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";

/** Repository of incidents: the Prisma reads and their mapping to DTOs (changes are in service.ts). */

/** The matched lines of a crash event's evidence (CrashEvent.evidence: [{ text, match }]). */
function matchedTexts(evidence: unknown): string[] {
  if (!Array.isArray(evidence)) return [];
  return evidence.filter((e): e is { text: string; match: true } => typeof e === "object" && e !== null && (e as { match?: unknown }).match === true && typeof (e as { text?: unknown }).text === "string").map((e) => e.text);
}

const incidentSelect = {
  id: true,
  endpointId: true,
  crashGroupId: true,
  signature: true,
  fingerprint: true,
  title: true,
  state: true,
  openedAt: true,
  acknowledgedAt: true,
  acknowledgedBy: true,
  resolvedAt: true,
  resolvedBy: true,
  resolution: true,
  regressionCount: true,
  lastRegressedAt: true,
  endpoint: { select: { name: true, displayName: true } },
  crashGroup: { select: { count: true, lastSeenAt: true, firstSeenAt: true, workers: true, images: true } },
} as const;

type IncidentRow = Prisma.IncidentGetPayload<{ select: typeof incidentSelect }>;

function toSummary(i: IncidentRow, flagged: Map<string, number>): IncidentSummaryDto {
  return {
    id: i.id.toString(),
    endpointId: i.endpointId,
    endpointName: i.endpoint.displayName ?? i.endpoint.name,
    signature: i.signature,
    fingerprint: i.fingerprint,
    title: i.title,
    state: i.state,
    openedAt: i.openedAt.toISOString(),
    acknowledgedAt: i.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: i.acknowledgedBy,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolvedBy: i.resolvedBy,
    resolution: i.resolution,
    regressionCount: i.regressionCount,
    lastRegressedAt: i.lastRegressedAt?.toISOString() ?? null,
    crashCount: i.crashGroup?.count ?? 0,
    lastCrashAt: i.crashGroup?.lastSeenAt.toISOString() ?? null,
    flaggedJobs: i.state === "resolved" ? 0 : (flagged.get(i.endpointId) ?? 0),
  };
}

async function flaggedByEndpoint(prisma: PrismaClient, endpointIds?: string[]): Promise<Map<string, number>> {
  const rows = await prisma.job.groupBy({
    by: ["endpointId"],
    where: { flag: CRASH_LOOP_FLAG, status: "IN_QUEUE", ...(endpointIds ? { endpointId: { in: endpointIds } } : {}) },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.endpointId, r._count._all]));
}

export function parseIncidentId(id: string): bigint {
  if (!/^\d{1,19}$/.test(id)) throw new AppError("not_found", `Incident ${id.slice(0, 40)} does not exist.`);
  return BigInt(id);
}

export interface ListIncidentsInput {
  state?: ("open" | "acknowledged" | "resolved")[];
  endpointId?: string;
  cursor?: string;
  limit?: number;
}

/** Incidents, newest first (by id), keyset-paginated. */
export async function listIncidents(input: ListIncidentsInput, ctx: Ctx): Promise<IncidentPageDto> {
  const prisma = ctx.db;
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 100);
  const rows = await prisma.incident.findMany({
    where: {
      ...(input.state?.length ? { state: { in: input.state } } : {}),
      ...(input.endpointId ? { endpointId: input.endpointId } : {}),
      ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: incidentSelect,
  });
  const page = rows.slice(0, limit);
  const flagged = await flaggedByEndpoint(prisma, [...new Set(page.map((r) => r.endpointId))]);
  return { incidents: page.map((r) => toSummary(r, flagged)), nextCursor: rows.length > limit ? page[page.length - 1].id.toString() : null };
}

/** Open and acknowledged incidents, newest first (for the overview). */
export async function listOpenIncidents(_input: Record<string, never>, ctx: Ctx): Promise<IncidentSummaryDto[]> {
  return (await listIncidents({ state: ["open", "acknowledged"], limit: 100 }, ctx)).incidents;
}

export interface FlaggedJobDto {
  jobId: string;
  endpointId: string;
  endpointName: string;
  status: string;
  submittedAt: string | null;
  verdictAt: string | null;
  reason: string | null;
  incidentId: string | null;
  trialId: string | null;
  sweepId: string | null;
  sweepName: string | null;
}

/** IN_QUEUE jobs flagged random_device_crash_loop, oldest wait first (for the overview). */
export async function listFlaggedJobs(input: { limit?: number; endpointId?: string }, ctx: Ctx): Promise<FlaggedJobDto[]> {
  const prisma = ctx.db;
  const rows = await prisma.job.findMany({
    where: { flag: CRASH_LOOP_FLAG, status: "IN_QUEUE", ...(input.endpointId ? { endpointId: input.endpointId } : {}) },
    orderBy: [{ submittedAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
    take: Math.min(Math.max(input.limit ?? 50, 1), 500),
    select: {
      id: true,
      endpointId: true,
      status: true,
      submittedAt: true,
      verdictAt: true,
      verdictDetail: true,
      trialId: true,
      endpoint: { select: { name: true, displayName: true } },
      trial: { select: { sweepId: true, sweep: { select: { name: true } } } },
    },
  });
  return rows.map((j) => {
    const d = (j.verdictDetail ?? {}) as { reason?: string; incidentId?: string };
    return {
      jobId: j.id,
      endpointId: j.endpointId,
      endpointName: j.endpoint.displayName ?? j.endpoint.name,
      status: j.status,
      submittedAt: j.submittedAt?.toISOString() ?? null,
      verdictAt: j.verdictAt?.toISOString() ?? null,
      reason: typeof d.reason === "string" ? d.reason : null,
      incidentId: typeof d.incidentId === "string" ? d.incidentId : null,
      trialId: j.trialId,
      sweepId: j.trial?.sweepId ?? null,
      sweepName: j.trial?.sweep.name ?? null,
    };
  });
}

/** Flagged IN_QUEUE jobs per endpoint (endpoints without any are absent). */
export async function countFlaggedJobsByEndpoint(_input: Record<string, never>, ctx: Ctx): Promise<{ endpointId: string; count: number }[]> {
  const m = await flaggedByEndpoint(ctx.db);
  return [...m.entries()].map(([endpointId, count]) => ({ endpointId, count })).sort((a, b) => b.count - a.count);
}

/** One incident with evidence, blast radius, runbook, notes and history; null when it does not exist. */
export async function getIncident(input: { id: string }, ctx: Ctx): Promise<IncidentDetailDto | null> {
  const prisma = ctx.db;
  const incidentId = parseIncidentId(input.id);
  const i = await prisma.incident.findUnique({
    where: { id: incidentId },
    select: { ...incidentSelect, introducedImage: true, notes: true, notesVersion: true, notesUpdatedAt: true, notesUpdatedBy: true, events: { orderBy: { id: "asc" }, take: 200 } },
  });
  if (!i) return null;
  const byFp = { endpointId: i.endpointId, fingerprint: i.fingerprint };
  const [first, latest, flagged, queued, perWorker, introduced] = await Promise.all([
    prisma.crashEvent.findFirst({ where: byFp, orderBy: [{ at: "asc" }, { id: "asc" }], select: crashEventSelect }),
    prisma.crashEvent.findFirst({ where: byFp, orderBy: [{ at: "desc" }, { id: "desc" }], select: crashEventSelect }),
    prisma.job.findMany({ where: { endpointId: i.endpointId, status: "IN_QUEUE", flag: CRASH_LOOP_FLAG }, select: { trialId: true } }),
    prisma.job.count({ where: { endpointId: i.endpointId, status: "IN_QUEUE" } }),
    prisma.$queryRaw<{ minutes: number | null }[]>`
      SELECT sum(extract(epoch FROM (last - first)) / 60.0)::float8 AS minutes FROM (
        SELECT min(at) AS first, max(at) AS last FROM crash_events
        WHERE "endpointId" = ${i.endpointId} AND fingerprint = ${i.fingerprint} AND "workerId" IS NOT NULL
        GROUP BY "workerId") w`,
    i.introducedImage
      ? prisma.worker.aggregate({ where: { endpointId: i.endpointId, image: i.introducedImage }, _min: { firstSeenAt: true } })
      : Promise.resolve(null),
  ]);
  // blocked trials: trials whose queued job waits on this endpoint (any verdict while the incident is open)
  const queuedTrials = i.state === "resolved" ? [] : await prisma.job.findMany({ where: { endpointId: i.endpointId, status: "IN_QUEUE", trialId: { not: null } }, select: { trialId: true } });
  const trialIds = queuedTrials.map((t) => t.trialId!).filter(Boolean);
  const sweeps = trialIds.length
    ? await prisma.trial.groupBy({ by: ["sweepId"], where: { id: { in: trialIds } }, _count: { _all: true } })
    : [];
  const sweepRows = sweeps.length ? await prisma.sweep.findMany({ where: { id: { in: sweeps.map((s) => s.sweepId) } }, select: { id: true, name: true, state: true } }) : [];
  const flagMap = new Map([[i.endpointId, flagged.length]]);
  const workers = i.crashGroup?.workers?.length ? i.crashGroup.workers : ((i.events.find((e) => e.kind === "opened")?.detail as { workers?: string[] } | null)?.workers ?? []);
  const [startupRows, lastSnap] = await Promise.all([
    workers.length
      ? prisma.workerEvent.findMany({ where: { endpointId: i.endpointId, kind: "startup", workerId: { in: workers.slice(0, 20) } }, orderBy: { at: "desc" }, take: 40, select: { workerId: true, at: true, detail: true } })
      : prisma.workerEvent.findMany({ where: { endpointId: i.endpointId, kind: "startup" }, orderBy: { at: "desc" }, take: 3, select: { workerId: true, at: true, detail: true } }),
    prisma.healthSnapshot.findFirst({ where: { endpointId: i.endpointId }, orderBy: { takenAt: "desc" }, select: { takenAt: true } }),
  ]);
  const seenWorker = new Set<string>();
  const workerStartup = startupRows
    .filter((r) => !seenWorker.has(r.workerId) && seenWorker.add(r.workerId))
    .map((r) => ({ workerId: r.workerId, at: r.at.toISOString(), ...((r.detail ?? {}) as Record<string, unknown>) }));
  const lastNoData = [...i.events].reverse().find((e) => e.kind === "no_data");
  // silence recorded by detection after the newest crash: recovery cannot be judged (a scaled-to-zero endpoint still answers /health)
  const noData = i.state !== "resolved" && !!lastNoData && (!latest || latest.at <= lastNoData.at);
  const noDataDetail = (lastNoData?.detail ?? {}) as { since?: string | null; reason?: string };
  return {
    ...toSummary(i, flagMap),
    introducedImage: i.introducedImage,
    introducedAt: introduced?._min.firstSeenAt?.toISOString() ?? null,
    notes: i.notes,
    notesVersion: i.notesVersion,
    notesUpdatedAt: i.notesUpdatedAt?.toISOString() ?? null,
    notesUpdatedBy: i.notesUpdatedBy,
    evidence: {
      firstCrash: first ? toCrashEventDto(first) : null,
      latestCrash: latest ? toCrashEventDto(latest) : null,
      count: i.crashGroup?.count ?? 0,
      firstSeenAt: i.crashGroup?.firstSeenAt.toISOString() ?? null,
      lastSeenAt: i.crashGroup?.lastSeenAt.toISOString() ?? null,
      workers: i.crashGroup?.workers ?? [],
      images: i.crashGroup?.images ?? [],
    },
    blastRadius: {
      queuedJobs: i.state === "resolved" ? 0 : queued,
      flaggedJobs: i.state === "resolved" ? 0 : flagged.length,
      blockedTrials: trialIds.length,
      sweeps: sweepRows.map((s) => ({ id: s.id, name: s.name, state: s.state, blockedTrials: sweeps.find((x) => x.sweepId === s.id)?._count._all ?? 0 })),
      workerMinutesCrashing: Math.round((perWorker[0]?.minutes ?? 0) * 10) / 10,
    },
    // the family of a random_device crash (stdin mix, sandbox, CPU rdseed) picks the runbook: read it off the matched lines
    runbook: runbookFor(i.signature, matchedTexts((latest ?? first)?.evidence)),
    events: i.events.map((e) => ({ kind: e.kind, actor: e.actor, at: e.at.toISOString(), detail: e.detail ?? null })),
    dataState: noData
      ? { kind: "no_data", since: noDataDetail.since ?? null, reason: noDataDetail.reason ?? null }
      : { kind: "current", since: lastSnap?.takenAt.toISOString() ?? null, reason: null },
    workerStartup,
  };
}

// ───────────── detection thresholds (AppSetting "detection.rules") ─────────────

export async function readDetectionSettings(prisma: PrismaClient): Promise<DetectionSettingsDto> {
  const row = await prisma.appSetting.findUnique({ where: { key: DETECTION_SETTINGS_KEY }, select: { value: true } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? (row.value as Record<string, number>) : {};
  const parsed = DetectionConfigSchema.safeParse(stored);
  return { values: (parsed.success ? parsed.data : DEFAULT_DETECTION_CONFIG) as unknown as Record<string, number>, defaults: DEFAULT_DETECTION_CONFIG as unknown as Record<string, number>, overridden: Object.keys(stored) };
}

export async function getDetectionSettings(_input: Record<string, never>, ctx: Ctx): Promise<DetectionSettingsDto> {
  return readDetectionSettings(ctx.db);
}

