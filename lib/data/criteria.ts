import type { PrismaClient } from "@/lib/db";
import {
  combineResults,
  DEFAULT_CRITERIA,
  evaluateRule,
  parseRuleParams,
  RULE_DESCRIPTIONS,
  type CriterionState,
  type EndpointFacts,
  type Evidence,
  type Horizon,
  type RuleName,
  type RuleResult,
} from "@/lib/domain/criteria/rules";

const DAY = 86_400_000;
/** History keeps one row per state change and per hour; within an hour the newest row is updated in place. */
const HISTORY_SAMPLE_MS = 60 * 60_000;
const READY_STATUSES = ["IDLE", "RUNNING", "READY"];
const TERMINAL_TRIAL = ["completed", "stopped"];

/** Seeds the status report's criteria into a new installation; existing keys are left alone. */
export async function seedDefaultCriteria(prisma: PrismaClient): Promise<number> {
  const res = await prisma.criterion.createMany({
    data: DEFAULT_CRITERIA.map((c) => ({
      key: c.key,
      horizon: c.horizon,
      title: c.title,
      description: c.description,
      rule: c.rule,
      params: c.params as object,
      position: c.position,
    })),
    skipDuplicates: true,
  });
  return res.count;
}

/** Gathers what the rules need about one endpoint. Bounded queries only. */
export async function gatherEndpointFacts(prisma: PrismaClient, endpointId: string, now: Date): Promise<EndpointFacts | null> {
  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, name: true, displayName: true, image: true, createdAt: true } });
  if (!endpoint) return null;
  const windowStart = new Date(now.getTime() - 31 * DAY);

  const [newestWorker, imageRows, trafficRows] = await Promise.all([
    prisma.worker.findFirst({ where: { endpointId, image: { not: null } }, orderBy: [{ startedAt: { sort: "desc", nulls: "last" } }, { firstSeenAt: "desc" }], select: { image: true } }),
    prisma.$queryRaw<{ image: string; first_seen: Date }[]>`
      SELECT image, min("firstSeenAt") AS first_seen FROM workers
      WHERE "endpointId" = ${endpointId} AND image IS NOT NULL GROUP BY image`,
    prisma.$queryRaw<{ image: string; first_traffic: Date }[]>`
      SELECT w.image, min(j."startedAt") AS first_traffic FROM jobs j
      JOIN workers w ON w."endpointId" = j."endpointId" AND w.id = j."workerId"
      WHERE j."endpointId" = ${endpointId} AND j.source = 'trial' AND j."startedAt" IS NOT NULL AND w.image IS NOT NULL
      GROUP BY w.image`,
  ]);
  const currentImage = newestWorker?.image ?? endpoint.image ?? null;
  const images = imageRows.map((r) => ({
    image: r.image,
    firstSeenAt: new Date(r.first_seen),
    firstSweepTrafficAt: trafficRows.find((t) => t.image === r.image)?.first_traffic ?? null,
  }));
  const imageSince = images.find((i) => i.image === currentImage)?.firstSeenAt ?? null;

  const [ready, crashes, lastCrashPerSignature, lastRestart, snapshots, healthErrors, smokeRuns, sweeps, jobs, incidents] = await Promise.all([
    currentImage
      ? prisma.workerEvent.findFirst({
          where: { endpointId, image: currentImage, toStatus: { in: READY_STATUSES }, ...(imageSince ? { at: { gte: imageSince } } : {}) },
          orderBy: { at: "desc" },
          select: { id: true, at: true },
        })
      : null,
    prisma.crashEvent.findMany({
      where: { endpointId, at: { gte: imageSince ?? windowStart } },
      orderBy: { at: "desc" },
      take: 50,
      select: { id: true, at: true, signature: true, image: true, workerId: true, evidence: true },
    }),
    prisma.$queryRaw<{ id: bigint; at: Date; signature: string; worker_id: string | null }[]>`
      SELECT DISTINCT ON (signature) id, at, signature, "workerId" AS worker_id FROM crash_events
      WHERE "endpointId" = ${endpointId} ORDER BY signature, at DESC`,
    prisma.workerEvent.findFirst({ where: { endpointId, kind: "restart" }, orderBy: { at: "desc" }, select: { id: true, at: true, workerId: true } }),
    prisma.healthSnapshot.findMany({
      where: { endpointId },
      orderBy: { takenAt: "desc" },
      take: 20,
      select: { id: true, takenAt: true, workersIdle: true, workersRunning: true, workersReady: true },
    }),
    prisma.pollError.findMany({ where: { endpointId, operation: "health" }, orderBy: { at: "desc" }, take: 20, select: { id: true, at: true } }),
    prisma.smokeRun.findMany({ where: { endpointId }, orderBy: { submittedAt: "desc" }, take: 20 }),
    prisma.sweep.findMany({
      where: { endpointId },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, name: true, state: true, finishedAt: true, _count: { select: { trials: true } } },
    }),
    prisma.job.findMany({
      where: { endpointId, finishedAt: { gte: windowStart }, status: { in: ["COMPLETED", "FAILED", "TIMED_OUT", "CANCELLED"] } },
      orderBy: { finishedAt: "desc" },
      take: 2000,
      select: { id: true, status: true, executionTime: true, finishedAt: true },
    }),
    prisma.incident.findMany({
      where: { endpointId, OR: [{ resolvedAt: null }, { resolvedAt: { gte: windowStart } }] },
      orderBy: { openedAt: "desc" },
      take: 50,
      select: { id: true, title: true, openedAt: true, resolvedAt: true },
    }),
  ]);

  const finishedBySweep = sweeps.length
    ? await prisma.trial.groupBy({ by: ["sweepId"], where: { sweepId: { in: sweeps.map((s) => s.id) }, status: { in: TERMINAL_TRIAL as never[] } }, _count: { _all: true } })
    : [];

  const polls = [
    ...snapshots.map((s) => ({ id: String(s.id), at: s.takenAt, ok: true, readyWorkers: s.workersIdle + s.workersRunning + s.workersReady })),
    ...healthErrors.map((e) => ({ id: `error-${e.id}`, at: e.at, ok: false, readyWorkers: 0 })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());

  const firstLine = (evidence: unknown): string | undefined => {
    if (!Array.isArray(evidence)) return undefined;
    const hit = evidence.find((e) => typeof e === "object" && e !== null && (e as { match?: boolean }).match) ?? evidence[evidence.length - 1];
    if (typeof hit === "string") return hit;
    if (hit && typeof hit === "object" && "text" in hit) return String((hit as { text: unknown }).text);
    return undefined;
  };

  return {
    endpointId,
    endpointName: endpoint.displayName ?? endpoint.name,
    watchedSince: endpoint.createdAt,
    currentImage,
    imageSince,
    images,
    workerReadyAt: ready?.at ?? null,
    workerReadyEventId: ready ? String(ready.id) : null,
    crashes: crashes.map((c) => ({ id: String(c.id), at: c.at, signature: c.signature, image: c.image, workerId: c.workerId, line: firstLine(c.evidence) })),
    restarts: [
      ...lastCrashPerSignature.map((c) => ({ id: `crash-${c.id}`, at: new Date(c.at), workerId: c.worker_id ?? "?", signature: c.signature })),
      ...(lastRestart ? [{ id: String(lastRestart.id), at: lastRestart.at, workerId: lastRestart.workerId, signature: null }] : []),
    ],
    healthPolls: polls,
    smokeRuns: smokeRuns.map((r) => ({ id: String(r.id), jobId: r.jobId, image: r.image, ok: r.ok, status: r.status, submittedAt: r.submittedAt, finishedAt: r.finishedAt })),
    sweeps: sweeps.map((s) => ({
      id: s.id,
      name: s.name,
      state: s.state,
      total: s._count.trials,
      finished: finishedBySweep.find((f) => f.sweepId === s.id)?._count._all ?? 0,
      completedAt: s.state === "completed" ? s.finishedAt : null,
    })),
    jobs: jobs.map((j) => ({ id: j.id, status: j.status, executionTimeMs: j.executionTime, finishedAt: j.finishedAt! })),
    incidents: incidents.map((i) => ({ id: String(i.id), title: i.title, openedAt: i.openedAt, resolvedAt: i.resolvedAt })),
    attestations: [],
  };
}

async function storeEvaluation(prisma: PrismaClient, criterionId: bigint, endpointId: string | null, result: RuleResult, now: Date) {
  const latest = await prisma.criterionEvaluation.findFirst({ where: { criterionId, endpointId }, orderBy: { at: "desc" } });
  const changed = !latest || latest.state !== result.state;
  const since = changed ? (result.since ?? now) : (latest.since ?? result.since ?? now);
  const data = {
    at: now,
    state: result.state,
    since,
    summary: result.summary,
    evidence: result.evidence as unknown as object,
    countdownEndsAt: result.countdownEndsAt ?? null,
    resetReason: result.resetReason ?? null,
  };
  const sameHour = latest && Math.floor(latest.at.getTime() / HISTORY_SAMPLE_MS) === Math.floor(now.getTime() / HISTORY_SAMPLE_MS);
  if (!changed && latest && sameHour) {
    await prisma.criterionEvaluation.update({ where: { id: latest.id }, data });
  } else {
    await prisma.criterionEvaluation.create({ data: { criterionId, endpointId, ...data } });
  }
}

/**
 * Evaluates every enabled criterion now and records the result: the newest row is updated in
 * place while the state holds within the hour (so the page shows live evidence), and a new row
 * starts on every state change and every hour (the history and the weekly trend).
 */
export async function evaluateAllCriteria(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
  const [criteria, endpoints] = await Promise.all([
    prisma.criterion.findMany({ where: { enabled: true }, include: { attestations: { where: { revokedAt: null }, orderBy: { attestedAt: "desc" }, take: 1 } } }),
    prisma.endpoint.findMany({ where: { paused: false }, select: { id: true } }),
  ]);
  const factsCache = new Map<string, EndpointFacts | null>();
  const factsFor = async (id: string) => {
    if (!factsCache.has(id)) factsCache.set(id, await gatherEndpointFacts(prisma, id, now));
    return factsCache.get(id) ?? null;
  };
  let written = 0;
  for (const c of criteria) {
    const parsed = parseRuleParams(c.rule, c.params);
    if (!parsed.ok) {
      await storeEvaluation(prisma, c.id, c.endpointId, { state: "unknown", summary: `Misconfigured: ${parsed.error}`, evidence: [] }, now);
      written++;
      continue;
    }
    const attestations = c.attestations.map((a) => ({ id: String(a.id), by: a.attestedBy, at: a.attestedAt, link: a.link }));
    const scope = c.endpointId ? [c.endpointId] : endpoints.map((e) => e.id);
    const perEndpoint: { endpointId: string; endpointName: string; result: RuleResult }[] = [];
    for (const id of scope) {
      const facts = await factsFor(id);
      if (!facts) continue;
      perEndpoint.push({ endpointId: id, endpointName: facts.endpointName, result: evaluateRule(parsed.rule, parsed.params, { ...facts, attestations }, now) });
    }
    if (parsed.rule === "attestation" && perEndpoint.length === 0) {
      const empty = { endpointId: "", endpointName: "", watchedSince: now, currentImage: null, imageSince: null, images: [], workerReadyAt: null, crashes: [], restarts: [], healthPolls: [], smokeRuns: [], sweeps: [], jobs: [], incidents: [], attestations };
      perEndpoint.push({ endpointId: "", endpointName: "all", result: evaluateRule("attestation", parsed.params, empty, now) });
    }
    const combined = parsed.rule === "attestation" ? perEndpoint[0].result : combineResults(perEndpoint);
    await storeEvaluation(prisma, c.id, c.endpointId, combined, now);
    written++;
    if (!c.endpointId && parsed.rule !== "attestation") {
      for (const r of perEndpoint) {
        await storeEvaluation(prisma, c.id, r.endpointId, r.result, now);
        written++;
      }
    }
  }
  return written;
}

export interface CriterionDto {
  id: string;
  key: string;
  horizon: Horizon;
  title: string;
  description: string;
  endpointId: string | null;
  rule: RuleName | string;
  ruleDescription: string;
  params: Record<string, unknown>;
  enabled: boolean;
  state: CriterionState;
  since: string | null;
  evaluatedAt: string | null;
  summary: string;
  evidence: Evidence[];
  countdownEndsAt: string | null;
  resetReason: string | null;
}

/** Every criterion with its latest evaluation, for the whole installation or one endpoint. */
export async function listCriteria(prisma: PrismaClient, opts: { endpointId?: string } = {}): Promise<CriterionDto[]> {
  const criteria = await prisma.criterion.findMany({
    where: opts.endpointId ? { OR: [{ endpointId: null }, { endpointId: opts.endpointId }] } : {},
    orderBy: [{ horizon: "asc" }, { position: "asc" }, { id: "asc" }],
  });
  const evals = await Promise.all(
    criteria.map((c) =>
      prisma.criterionEvaluation.findFirst({
        where: { criterionId: c.id, endpointId: opts.endpointId && !c.endpointId && c.rule !== "attestation" ? opts.endpointId : c.endpointId },
        orderBy: { at: "desc" },
      }),
    ),
  );
  return criteria.map((c, i) => {
    const e = evals[i];
    return {
      id: String(c.id),
      key: c.key,
      horizon: c.horizon,
      title: c.title,
      description: c.description,
      endpointId: c.endpointId,
      rule: c.rule,
      ruleDescription: RULE_DESCRIPTIONS[c.rule as RuleName] ?? "",
      params: (c.params ?? {}) as Record<string, unknown>,
      enabled: c.enabled,
      state: (e?.state ?? "unknown") as CriterionState,
      since: e?.since?.toISOString() ?? null,
      evaluatedAt: e?.at.toISOString() ?? null,
      summary: e?.summary ?? (c.enabled ? "Not evaluated yet." : "Disabled."),
      evidence: (Array.isArray(e?.evidence) ? e.evidence : []) as unknown as Evidence[],
      countdownEndsAt: e?.countdownEndsAt?.toISOString() ?? null,
      resetReason: e?.resetReason ?? null,
    };
  });
}

export interface CriterionHistoryPointDto {
  at: string;
  state: CriterionState;
  summary: string;
}

/** State history of one criterion (newest first), for its page and the weekly trend. */
export async function listCriterionHistory(prisma: PrismaClient, criterionId: string, opts: { endpointId?: string | null; since?: Date; limit?: number } = {}): Promise<CriterionHistoryPointDto[]> {
  const rows = await prisma.criterionEvaluation.findMany({
    where: { criterionId: BigInt(criterionId), endpointId: opts.endpointId ?? null, ...(opts.since ? { at: { gte: opts.since } } : {}) },
    orderBy: { at: "desc" },
    take: Math.min(opts.limit ?? 500, 5000),
    select: { at: true, state: true, summary: true },
  });
  return rows.map((r) => ({ at: r.at.toISOString(), state: r.state as CriterionState, summary: r.summary }));
}
