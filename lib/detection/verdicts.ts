import type { PrismaClient } from "@/lib/generated/prisma/client";
import { verdictForQueuedJob, type CrashEventInput, type EndpointHealthCounts, type QueuedJobVerdict } from "@/lib/domain/crash";
import { ruleConfigOf, type DetectionConfig } from "@/lib/detection/config";
import { isClassifierSignature } from "@/lib/detection/crashes";

/** What one endpoint's verdict pass needs, read in a handful of bounded queries. */
export interface EndpointDetectionFacts {
  health: EndpointHealthCounts | null;
  crashes: (CrashEventInput & { id: bigint; evidence: unknown })[];
  restarts: { at: Date; workerId: string }[];
  lastCompletedAt: Date | null;
}

export async function gatherDetectionFacts(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig): Promise<EndpointDetectionFacts> {
  const since = new Date(now.getTime() - cfg.windowMs);
  const [snap, crashes, restarts, lastDone] = await Promise.all([
    prisma.healthSnapshot.findFirst({
      where: { endpointId, takenAt: { lte: now } },
      orderBy: { takenAt: "desc" },
      select: { workersIdle: true, workersInitializing: true, workersRunning: true, workersThrottled: true, workersUnhealthy: true },
    }),
    prisma.crashEvent.findMany({
      where: { endpointId, at: { gte: since, lte: now } },
      orderBy: { at: "desc" },
      take: 1_000,
      select: { id: true, at: true, fingerprint: true, signature: true, workerId: true, evidence: true },
    }),
    prisma.workerEvent.findMany({ where: { endpointId, kind: "restart", at: { gte: since, lte: now } }, take: 1_000, select: { at: true, workerId: true } }),
    prisma.job.aggregate({ where: { endpointId, status: "COMPLETED", finishedAt: { lte: now } }, _max: { finishedAt: true } }),
  ]);
  return {
    health: snap
      ? { idle: snap.workersIdle, initializing: snap.workersInitializing, running: snap.workersRunning, throttled: snap.workersThrottled, unhealthy: snap.workersUnhealthy }
      : null,
    // restart-only and exit-code-only events feed the "suspected" rule through restarts, not the classified crash loop
    crashes: crashes
      .filter((c) => isClassifierSignature(c.signature))
      .map((c) => ({ id: c.id, at: c.at, fingerprint: c.fingerprint, signature: c.signature as CrashEventInput["signature"], workerId: c.workerId, evidence: c.evidence })),
    restarts,
    lastCompletedAt: lastDone._max.finishedAt ?? null,
  };
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
  const base = { now, health: facts.health, restarts: facts.restarts, lastCompletedAt: facts.lastCompletedAt, config: rule };
  const loop = verdictForQueuedJob({ ...base, ageMs: 0, crashes: facts.crashes });
  const endpointWide = loop.fingerprint ? loop : null;
  for (const j of jobs) {
    const v: QueuedJobVerdict = endpointWide ?? verdictForQueuedJob({ ...base, queuedAt: j.submittedAt ?? j.createdAt, crashes: [] });
    if (v.flag) flagged++;
    const detail: VerdictDetail = { reason: v.reason };
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

