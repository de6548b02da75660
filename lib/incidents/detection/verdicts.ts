import type { PrismaClient } from "@/lib/generated/prisma/client";
import { verdictForQueuedJob, type CrashEventInput, type EndpointHealthCounts, type QueuedJobVerdict, type VerdictEvidence } from "@/lib/domain/crash";
import { ruleConfigOf, type DetectionConfig } from "@/lib/incidents/detection/config";
import { isClassifierSignature } from "@/lib/domain/crash/signatures";

export interface HealthPoint {
  at: Date;
  ready: number | null;
  unhealthy: number | null;
  total: number | null;
  inQueue: number | null;
  completed: number | null;
}

/** What one endpoint's verdict pass needs, read in a handful of bounded queries. */
export interface EndpointDetectionFacts {
  health: EndpointHealthCounts | null;
  healthAt: Date | null;
  /** Health snapshots of the lookback, oldest first (readiness streaks, queue growth). */
  healthSeries: HealthPoint[];
  /** Live crash events with a classified cause (uploads without times are evidence only, never here). */
  crashes: (CrashEventInput & { id: bigint; evidence: unknown })[];
  /** Live crash events without a readable cause (restart-only, exit code only). */
  unexplained: { id: bigint; at: Date; workerId: string | null; signature: string }[];
  restarts: { at: Date; workerId: string }[];
  /** Newest completion: a tracked COMPLETED job, or a /health completed counter that went up. */
  lastCompletedAt: Date | null;
  /** Completions of the lookback with their worker (counter-only completions have none). */
  completions: { at: Date; workerId: string | null }[];
  /** Workers the endpoint lists now. */
  liveWorkers: Set<string>;
  /** Newest data of any kind about the endpoint (health, log line, worker seen): "no data since …". */
  lastDataAt: Date | null;
}

/** How far back a pass looks: long enough for a back-off chain of minCrashes + 1 crashes. */
export function lookbackMs(cfg: DetectionConfig): number {
  return Math.max(cfg.windowMs, cfg.maxBackoffGapMs * (cfg.minCrashes + 1), cfg.quietMs * 2);
}

export async function gatherDetectionFacts(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig): Promise<EndpointDetectionFacts> {
  const since = new Date(now.getTime() - lookbackMs(cfg));
  // health is read only as far back as recovery, alerts and the unknown-loop rule look (a poll every ~10 s)
  const healthSince = new Date(now.getTime() - Math.max(cfg.quietMs, cfg.alertQueueGrowthWindowMs, cfg.suspectAfterMs, cfg.windowMs) - 2 * cfg.staleMs);
  const [snaps, crashes, restarts, lastDone, lastLog, lastWorker, done, live, endpoint] = await Promise.all([
    prisma.healthSnapshot.findMany({
      where: { endpointId, takenAt: { gte: healthSince, lte: now } },
      orderBy: { takenAt: "desc" },
      take: 2_000,
      select: { takenAt: true, workersIdle: true, workersInitializing: true, workersRunning: true, workersThrottled: true, workersUnhealthy: true, workersReady: true, jobsInQueue: true, jobsCompleted: true },
    }),
    prisma.crashEvent.findMany({
      where: { endpointId, live: true, at: { gte: since, lte: now } },
      orderBy: { at: "desc" },
      take: 2_000,
      select: { id: true, at: true, fingerprint: true, signature: true, workerId: true, evidence: true },
    }),
    prisma.workerEvent.findMany({ where: { endpointId, kind: "restart", at: { gte: since, lte: now } }, take: 1_000, select: { at: true, workerId: true } }),
    prisma.job.aggregate({ where: { endpointId, status: "COMPLETED", finishedAt: { lte: now } }, _max: { finishedAt: true } }),
    prisma.logLine.aggregate({ where: { endpointId, source: { not: "upload" }, ts: { lte: now } }, _max: { ts: true } }),
    prisma.worker.aggregate({ where: { endpointId, lastSeenAt: { lte: now } }, _max: { lastSeenAt: true } }),
    prisma.job.findMany({ where: { endpointId, status: "COMPLETED", finishedAt: { gte: since, lte: now } }, orderBy: { finishedAt: "desc" }, take: 500, select: { finishedAt: true, workerId: true } }),
    prisma.worker.findMany({ where: { endpointId, goneAt: null }, take: 1_000, select: { id: true } }),
    prisma.endpoint.findUnique({ where: { id: endpointId }, select: { workerSummary: true, workerSummaryAt: true } }),
  ]);
  // older health still tells since when there is no data ("no data since …")
  const newest =
    snaps[0] ??
    (await prisma.healthSnapshot.findFirst({
      where: { endpointId, takenAt: { lte: now } },
      orderBy: { takenAt: "desc" },
      select: { takenAt: true, workersIdle: true, workersInitializing: true, workersRunning: true, workersThrottled: true, workersUnhealthy: true, workersReady: true, jobsInQueue: true, jobsCompleted: true },
    })) ??
    null;
  const series: HealthPoint[] = snaps
    .map((s) => ({
      at: s.takenAt,
      // idle + running as RunPod documents them (`ready` is undocumented, equals idle and may be absent)
      ready: s.workersIdle === null && s.workersRunning === null && s.workersReady === null ? null : (s.workersIdle ?? s.workersReady ?? 0) + (s.workersRunning ?? 0),
      unhealthy: s.workersUnhealthy ?? null,
      total: sum(s.workersIdle, s.workersInitializing, s.workersRunning, s.workersThrottled, s.workersUnhealthy),
      inQueue: s.jobsInQueue ?? null,
      completed: s.jobsCompleted ?? null,
    }))
    .reverse();
  // A /health completed counter that went up between two polls: jobs completed, tracked or not (other clients').
  let counterDone: Date | null = null;
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1].completed;
    const b = series[i].completed;
    if (a !== null && b !== null && b > a) counterDone = series[i].at;
  }
  const tracked = lastDone._max.finishedAt ?? null;
  const lastCompletedAt = [tracked, counterDone].filter((d): d is Date => d !== null).sort((x, y) => y.getTime() - x.getTime())[0] ?? null;
  const lastDataAt = [newest?.takenAt ?? null, lastLog._max.ts ?? null, lastWorker._max.lastSeenAt ?? null].filter((d): d is Date => d !== null).sort((x, y) => y.getTime() - x.getTime())[0] ?? null;
  return {
    health: newest ? fillFromWorkersList(newest, endpoint, now, cfg) : null,
    healthAt: newest?.takenAt ?? null,
    healthSeries: series,
    crashes: crashes
      .filter((c) => isClassifierSignature(c.signature))
      .map((c) => ({ id: c.id, at: c.at, fingerprint: c.fingerprint, signature: c.signature as CrashEventInput["signature"], workerId: c.workerId, evidence: c.evidence })),
    unexplained: crashes.filter((c) => !isClassifierSignature(c.signature)).map((c) => ({ id: c.id, at: c.at, workerId: c.workerId, signature: c.signature })),
    restarts,
    lastCompletedAt,
    completions: [...done.map((j) => ({ at: j.finishedAt!, workerId: j.workerId })), ...(counterDone ? [{ at: counterDone, workerId: null }] : [])],
    liveWorkers: new Set(live.map((w) => w.id)),
    lastDataAt,
  };
}

/** Sum of /health counters; null when one is missing (#12: a counter /health did not give is null, not 0). */
/**
 * /health's worker counts, with the ones it did not report (null) taken from the workers list's summary
 * (documented in RunPod's v2 OpenAPI) when that list is recent; a count neither source gave stays null.
 */
function fillFromWorkersList(
  h: { takenAt: Date; workersIdle: number | null; workersInitializing: number | null; workersRunning: number | null; workersThrottled: number | null; workersUnhealthy: number | null },
  endpoint: { workerSummary: unknown; workerSummaryAt: Date | null } | null,
  now: Date,
  cfg: DetectionConfig,
) {
  const out = { idle: h.workersIdle, initializing: h.workersInitializing, running: h.workersRunning, throttled: h.workersThrottled, unhealthy: h.workersUnhealthy };
  const s = endpoint?.workerSummary as Partial<Record<"running" | "idle" | "initializing" | "throttled" | "unhealthy" | "total", unknown>> | null | undefined;
  const at = endpoint?.workerSummaryAt;
  if (!s || !at || now.getTime() - at.getTime() > 2 * cfg.staleMs) return out;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const filled = {
    idle: out.idle ?? n(s.idle),
    initializing: out.initializing ?? n(s.initializing),
    running: out.running ?? n(s.running),
    throttled: out.throttled ?? n(s.throttled),
    unhealthy: out.unhealthy ?? n(s.unhealthy),
  };
  return filled;
}

function sum(...xs: (number | null | undefined)[]): number | null {
  let s = 0;
  for (const x of xs) {
    if (x === null || x === undefined) return null;
    s += x;
  }
  return s;
}

export interface VerdictDetail {
  reason: string;
  signature?: string;
  fingerprint?: string;
  crashCount?: number;
  /** The latest crash of the fingerprint that made the verdict: its id and the matched lines. */
  crashEventId?: string;
  evidence?: { text: string; ts: string | null }[];
  incidentId?: string;
  /** What the verdict rests on, each with its time, and the newest of those times (its age). */
  basis?: VerdictEvidence[];
  evidenceAt?: string | null;
  /** "unknown": a crash loop seen only as restarts / unhealthy workers. */
  cause?: "unknown";
  /** Queued beside a crash-looping worker while others take jobs. */
  besideLoop?: { fingerprint: string; signature: string; workers: string[] };
}

function matchedLines(evidence: unknown): { text: string; ts: string | null }[] {
  if (!Array.isArray(evidence)) return [];
  return evidence
    .filter((e): e is { text: string; ts?: string | null; match?: boolean } => typeof e === "object" && e !== null && typeof (e as { text?: unknown }).text === "string")
    .filter((e) => e.match)
    .slice(0, 12)
    .map((e) => ({ text: e.text, ts: e.ts ?? null }));
}

/**
 * One pass over an endpoint's IN_QUEUE jobs: computes each job's verdict with verdictForQueuedJob and
 * writes Job.verdict / verdictDetail / verdictAt / flag in one UPDATE for the jobs whose verdict changed;
 * clears verdict and flag of the endpoint's jobs that left the queue (verdictDetail and verdictAt stay as
 * the record of why the job waited). Returns counts.
 */
export async function updateQueuedVerdicts(
  prisma: PrismaClient,
  endpointId: string,
  now: Date,
  cfg: DetectionConfig,
  facts: EndpointDetectionFacts,
  incidentIdByFingerprint: Map<string, bigint>,
): Promise<{ queued: number; changed: number; flagged: number; cleared: number }> {
  const cleared = await prisma.job.updateMany({
    where: { endpointId, status: { not: "IN_QUEUE" }, OR: [{ flag: { not: null } }, { verdict: { not: null } }] },
    data: { flag: null, verdict: null },
  });
  const jobs = await prisma.job.findMany({
    where: { endpointId, status: "IN_QUEUE" },
    select: { id: true, submittedAt: true, createdAt: true, verdict: true, flag: true, verdictDetail: true },
  });
  if (!jobs.length) return { queued: 0, changed: 0, flagged: 0, cleared: cleared.count };
  const rule = ruleConfigOf(cfg);
  const latestByFp = new Map<string, (typeof facts.crashes)[number]>();
  for (const c of facts.crashes) {
    const prev = latestByFp.get(c.fingerprint);
    if (!prev || +new Date(c.at) > +new Date(prev.at)) latestByFp.set(c.fingerprint, c);
  }
  const ids: string[] = [];
  const verdicts: string[] = [];
  const flags: (string | null)[] = [];
  const details: string[] = [];
  let flagged = 0;
  // A classified crash loop does not depend on the job: decide it once per endpoint. Without one, the
  // crash list cannot change the answer, so each job's (age-dependent) verdict is computed without it.
  const base = { now, health: facts.health, healthAt: facts.healthAt, restarts: facts.restarts, lastCompletedAt: facts.lastCompletedAt, completions: facts.completions, liveWorkers: facts.liveWorkers, config: rule };
  const loop = verdictForQueuedJob({ ...base, ageMs: 0, crashes: facts.crashes });
  const endpointWide = loop.signature || loop.besideLoop ? loop : null;
  for (const j of jobs) {
    const v: QueuedJobVerdict = endpointWide ?? verdictForQueuedJob({ ...base, queuedAt: j.submittedAt ?? j.createdAt, crashes: [] });
    if (v.flag) flagged++;
    const detail: VerdictDetail = { reason: v.reason, basis: v.evidence, evidenceAt: v.evidenceAt };
    if (v.cause) detail.cause = v.cause;
    if (v.besideLoop) {
      detail.besideLoop = v.besideLoop;
      const inc = incidentIdByFingerprint.get(v.besideLoop.fingerprint);
      if (inc !== undefined) detail.incidentId = inc.toString();
    }
    if (v.signature) detail.signature = v.signature;
    if (v.fingerprint) {
      detail.fingerprint = v.fingerprint;
      detail.crashCount = v.crashCount;
      const c = latestByFp.get(v.fingerprint);
      if (c) {
        detail.crashEventId = c.id.toString();
        detail.evidence = matchedLines(c.evidence);
      }
      const inc = incidentIdByFingerprint.get(v.fingerprint);
      if (inc !== undefined) detail.incidentId = inc.toString();
    }
    const prev = j.verdictDetail as VerdictDetail | null;
    const same =
      j.verdict === v.verdict && j.flag === v.flag && prev?.reason === detail.reason && prev?.crashEventId === detail.crashEventId && prev?.incidentId === detail.incidentId;
    if (same) continue;
    ids.push(j.id);
    verdicts.push(v.verdict);
    flags.push(v.flag);
    details.push(JSON.stringify(detail));
  }
  if (ids.length) {
    // one statement for the whole endpoint; the status guard keeps a job that just left the queue clean
    await prisma.$executeRaw`
      UPDATE jobs j SET verdict = v.verdict, flag = v.flag, "verdictDetail" = v.detail::jsonb,
        "verdictAt" = CASE WHEN j.verdict IS DISTINCT FROM v.verdict OR j."verdictAt" IS NULL THEN ${now} ELSE j."verdictAt" END,
        "updatedAt" = now()
      FROM (SELECT unnest(${ids}::text[]) AS id, unnest(${verdicts}::text[]) AS verdict, unnest(${flags}::text[]) AS flag, unnest(${details}::text[]) AS detail) v
      WHERE j.id = v.id AND j.status = 'IN_QUEUE'`;
  }
  return { queued: jobs.length, changed: ids.length, flagged, cleared: cleared.count };
}

