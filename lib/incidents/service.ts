import { getPrisma } from "@/lib/db";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import type { Principal } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/data/audit";
import { crashEventSelect, toCrashEventDto } from "@/lib/incidents/crashes";
import type { DetectionSettingsDto, IncidentDetailDto, IncidentPageDto, IncidentSummaryDto } from "@/lib/api/specs/incidents";
import { DEFAULT_DETECTION_CONFIG, DETECTION_SETTINGS_KEY, DetectionConfigSchema } from "@/lib/incidents/detection/config";
import { enqueueIncidentNotification, incidentMessage } from "@/lib/incidents/detection/incidents";
import { runbookFor } from "@/lib/incidents/detection/runbooks";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";

/** The matched lines of a crash event's evidence (CrashEvent.evidence: [{ text, match }]). */
function matchedTexts(evidence: unknown): string[] {
  if (!Array.isArray(evidence)) return [];
  return evidence.filter((e): e is { text: string; match: true } => typeof e === "object" && e !== null && (e as { match?: unknown }).match === true && typeof (e as { text?: unknown }).text === "string").map((e) => e.text);
}

type Deps = { prisma?: PrismaClient; now?: () => Date };

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
export async function listIncidents(input: ListIncidentsInput = {}, deps: Deps = {}): Promise<IncidentPageDto> {
  const prisma = deps.prisma ?? getPrisma();
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
export async function listOpenIncidents(deps: Deps = {}): Promise<IncidentSummaryDto[]> {
  return (await listIncidents({ state: ["open", "acknowledged"], limit: 100 }, deps)).incidents;
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
export async function listFlaggedJobs(input: { limit?: number; endpointId?: string } = {}, deps: Deps = {}): Promise<FlaggedJobDto[]> {
  const prisma = deps.prisma ?? getPrisma();
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
export async function countFlaggedJobsByEndpoint(deps: Deps = {}): Promise<{ endpointId: string; count: number }[]> {
  const m = await flaggedByEndpoint(deps.prisma ?? getPrisma());
  return [...m.entries()].map(([endpointId, count]) => ({ endpointId, count })).sort((a, b) => b.count - a.count);
}

/** One incident with evidence, blast radius, runbook, notes and history; null when it does not exist. */
export async function getIncident(id: string, deps: Deps = {}): Promise<IncidentDetailDto | null> {
  const prisma = deps.prisma ?? getPrisma();
  const incidentId = parseIncidentId(id);
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

async function mustGet(prisma: PrismaClient, id: string): Promise<IncidentDetailDto> {
  const d = await getIncident(id, { prisma });
  if (!d) throw new AppError("not_found", `Incident ${id} does not exist.`);
  return d;
}

/** open → acknowledged, recording who. Acknowledging twice is a no-op; a resolved incident answers 409. */
export async function acknowledgeIncident(input: { id: string; actor: Principal }, deps: Deps = {}): Promise<IncidentDetailDto> {
  const prisma = deps.prisma ?? getPrisma();
  const now = deps.now?.() ?? new Date();
  const id = parseIncidentId(input.id);
  const cur = await prisma.incident.findUnique({ where: { id }, select: { state: true } });
  if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
  if (cur.state === "resolved") throw new AppError("conflict", "This incident is resolved; there is nothing to acknowledge.");
  if (cur.state === "open") {
    await prisma.$transaction(async (tx) => {
      const u = await tx.incident.updateMany({ where: { id, state: "open" }, data: { state: "acknowledged", acknowledgedAt: now, acknowledgedBy: input.actor.name.slice(0, 255) } });
      if (!u.count) return;
      await tx.incidentEvent.create({ data: { incidentId: id, kind: "acknowledged", actor: input.actor.name.slice(0, 255), at: now } });
      await recordAudit({ actor: input.actor, action: "incident.acknowledge", targetType: "incident", targetId: input.id }, tx);
    });
  }
  return mustGet(prisma, input.id);
}

/** open/acknowledged → resolved by hand (notifies once). A resolved incident answers 409. */
export async function resolveIncident(input: { id: string; actor: Principal; comment?: string; baseUrl?: string | null }, deps: Deps = {}): Promise<IncidentDetailDto> {
  const prisma = deps.prisma ?? getPrisma();
  const now = deps.now?.() ?? new Date();
  const id = parseIncidentId(input.id);
  const cur = await prisma.incident.findUnique({ where: { id }, select: { state: true, regressionCount: true, title: true, signature: true, endpointId: true, crashGroupId: true, endpoint: { select: { name: true, displayName: true } } } });
  if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
  if (cur.state === "resolved") throw new AppError("conflict", "This incident is already resolved.");
  const who = input.actor.name.slice(0, 255);
  await prisma.$transaction(async (tx) => {
    const u = await tx.incident.updateMany({ where: { id, state: { in: ["open", "acknowledged"] } }, data: { state: "resolved", resolvedAt: now, resolvedBy: who, resolution: "manual" } });
    if (!u.count) throw new AppError("conflict", "This incident was resolved meanwhile.");
    await tx.incidentEvent.create({ data: { incidentId: id, kind: "resolved", actor: who, at: now, detail: input.comment ? { comment: input.comment } : undefined } });
    if (cur.crashGroupId) await tx.crashGroup.update({ where: { id: cur.crashGroupId }, data: { state: "resolved", stateChangedAt: now } });
    await enqueueIncidentNotification(tx, {
      incidentId: id,
      kind: "resolved",
      regressionCount: cur.regressionCount,
      now,
      payload: incidentMessage({ id, endpointId: cur.endpointId, endpointName: cur.endpoint.displayName ?? cur.endpoint.name, title: cur.title, signature: cur.signature, kind: "resolved", regressionCount: cur.regressionCount, actor: who, baseUrl: input.baseUrl }),
    });
    await recordAudit({ actor: input.actor, action: "incident.resolve", targetType: "incident", targetId: input.id, detail: input.comment ? { comment: input.comment.slice(0, 200) } : null }, tx);
  });
  return mustGet(prisma, input.id);
}

/** Replaces the notes when `notesVersion` is the stored one (then +1); otherwise 409 naming who changed them. */
export async function updateIncidentNotes(input: { id: string; notes: string; notesVersion: number; actor: Principal }, deps: Deps = {}): Promise<IncidentDetailDto> {
  const prisma = deps.prisma ?? getPrisma();
  const now = deps.now?.() ?? new Date();
  const id = parseIncidentId(input.id);
  const who = input.actor.name.slice(0, 255);
  await prisma.$transaction(async (tx) => {
    const u = await tx.incident.updateMany({
      where: { id, notesVersion: input.notesVersion },
      data: { notes: input.notes, notesVersion: { increment: 1 }, notesUpdatedAt: now, notesUpdatedBy: who },
    });
    if (!u.count) {
      const cur = await tx.incident.findUnique({ where: { id }, select: { notesVersion: true, notesUpdatedBy: true, notesUpdatedAt: true } });
      if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
      throw new AppError(
        "conflict",
        `The notes were changed${cur.notesUpdatedBy ? ` by ${cur.notesUpdatedBy}` : ""}${cur.notesUpdatedAt ? ` at ${cur.notesUpdatedAt.toISOString()}` : ""} (version ${cur.notesVersion}, yours is based on ${input.notesVersion}). Reload the notes, then apply your change again.`,
      );
    }
    await tx.incidentEvent.create({ data: { incidentId: id, kind: "note", actor: who, at: now, detail: { notesVersion: input.notesVersion + 1 } } });
    await recordAudit({ actor: input.actor, action: "incident.notes", targetType: "incident", targetId: input.id, detail: { notesVersion: input.notesVersion + 1 } }, tx);
  });
  return mustGet(prisma, input.id);
}

// ───────────── detection thresholds (AppSetting "detection.rules") ─────────────

async function readDetectionSettings(prisma: PrismaClient): Promise<DetectionSettingsDto> {
  const row = await prisma.appSetting.findUnique({ where: { key: DETECTION_SETTINGS_KEY }, select: { value: true } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? (row.value as Record<string, number>) : {};
  const parsed = DetectionConfigSchema.safeParse(stored);
  return { values: (parsed.success ? parsed.data : DEFAULT_DETECTION_CONFIG) as unknown as Record<string, number>, defaults: DEFAULT_DETECTION_CONFIG as unknown as Record<string, number>, overridden: Object.keys(stored) };
}

export async function getDetectionSettings(deps: Deps = {}): Promise<DetectionSettingsDto> {
  return readDetectionSettings(deps.prisma ?? getPrisma());
}

/** Sets (or with null resets) detection thresholds; unknown keys and invalid values are 422 naming the field, nothing changes. */
export async function updateDetectionSettings(input: { changes: Record<string, number | null>; actor: Principal }, deps: Deps = {}): Promise<DetectionSettingsDto> {
  const prisma = deps.prisma ?? getPrisma();
  const known = Object.keys(DEFAULT_DETECTION_CONFIG);
  const unknownKeys = Object.keys(input.changes).filter((k) => !known.includes(k));
  if (unknownKeys.length) throw new AppError("validation_failed", "Unknown detection setting.", { issues: unknownKeys.map((k) => ({ path: `body.${k}`, message: `unknown; known: ${known.join(", ")}` })) });
  const row = await prisma.appSetting.findUnique({ where: { key: DETECTION_SETTINGS_KEY }, select: { value: true } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? { ...(row.value as Record<string, number>) } : {};
  for (const [k, v] of Object.entries(input.changes)) {
    if (v === null) delete stored[k];
    else stored[k] = v;
  }
  const parsed = DetectionConfigSchema.safeParse(stored);
  if (!parsed.success) throw new AppError("validation_failed", "Invalid detection settings.", { issues: parsed.error.issues.map((i) => ({ path: `body.${i.path.join(".")}`, message: i.message })) });
  await prisma.appSetting.upsert({ where: { key: DETECTION_SETTINGS_KEY }, create: { key: DETECTION_SETTINGS_KEY, value: stored }, update: { value: stored } });
  await recordAudit({ actor: input.actor, action: "detection.settings", targetType: "setting", targetId: DETECTION_SETTINGS_KEY, detail: { changes: input.changes } });
  return readDetectionSettings(prisma);
}
