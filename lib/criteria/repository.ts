import type { PrismaClient } from "@/lib/db";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { classifyLines } from "@/lib/domain/crash";
import { FINAL_JOB_STATUSES } from "@/lib/domain/job/status";
import { deploymentOf } from "@/lib/domain/criteria/deployment";
import { DEFAULT_CRITERIA, evidenceAt, RULE_DESCRIPTIONS, type CriterionState, type EndpointFacts, type Evidence, type Horizon, type RuleName } from "@/lib/domain/criteria/rules";

/**
 * Repository of criteria: the Prisma reads (the facts the rules judge, the criteria with their latest
 * evaluations and history) and their mapping to DTOs. The engine that evaluates and stores results is
 * evaluation.ts; creating, editing and attesting (validation, audit) is service.ts.
 */

const DAY = 86_400_000;
const READY_STATUSES = ["IDLE", "RUNNING", "READY"];

/** How far back the log-line fallback looks for crashes (bounded: it scans log text). */
const LOG_FALLBACK_MS = DAY;

/**
 * random_device aborts in the stored log lines of an endpoint since `since` (newest first, at most 20),
 * confirmed line by line with the crash classifier (so mentions and near-misses do not count).
 */
async function findLogCrashes(prisma: PrismaClient, endpointId: string, since: Date) {
  const rows = await prisma.logLine.findMany({
    where: { endpointId, ts: { gte: since }, text: { contains: "random_device" } },
    orderBy: { ts: "desc" },
    take: 20,
    select: { id: true, ts: true, workerId: true, text: true },
  });
  const workerIds = [...new Set(rows.map((r) => r.workerId).filter((w): w is string => !!w))];
  const workers = workerIds.length
    ? await prisma.worker.findMany({ where: { endpointId, id: { in: workerIds } }, select: { id: true, image: true } })
    : [];
  const imageOf = new Map(workers.map((w) => [w.id, w.image]));
  return rows.flatMap((r) => {
    const hit = classifyLines([{ text: r.text }]).find((c) => c.signature === "random_device");
    if (!hit) return [];
    return [
      {
        id: String(r.id),
        at: r.ts,
        signature: "random_device",
        image: r.workerId ? (imageOf.get(r.workerId) ?? null) : null,
        workerId: r.workerId,
        line: hit.text,
        kind: "log_line" as const,
      },
    ];
  });
}

/** Seeds the status report's criteria into a new installation; existing keys are left alone. */
export async function seedDefaultCriteria(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<number> {
  const res = await ctx.db.criterion.createMany({
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
  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, name: true, displayName: true, image: true, configVersion: true, createdAt: true, smokeOptIn: true } });
  if (!endpoint) return null;
  const windowStart = new Date(now.getTime() - 31 * DAY);

  const [newestWorker, deploymentRows, trafficRows] = await Promise.all([
    prisma.worker.findFirst({
      where: { endpointId, OR: [{ image: { not: null } }, { version: { not: null } }] },
      orderBy: [{ startedAt: { sort: "desc", nulls: "last" } }, { firstSeenAt: "desc" }],
      select: { image: true, version: true },
    }),
    prisma.$queryRaw<{ version: string | null; image: string | null; first_seen: Date }[]>`
      SELECT version, (array_agg(image ORDER BY "firstSeenAt"))[1] AS image, min("firstSeenAt") AS first_seen FROM workers
      WHERE "endpointId" = ${endpointId} AND (image IS NOT NULL OR version IS NOT NULL)
      GROUP BY version, CASE WHEN version IS NULL THEN image END`,
    prisma.$queryRaw<{ version: string | null; image: string | null; first_traffic: Date }[]>`
      SELECT w.version, (array_agg(w.image))[1] AS image, min(j."startedAt") AS first_traffic FROM jobs j
      JOIN workers w ON w."endpointId" = j."endpointId" AND w.id = j."workerId"
      WHERE j."endpointId" = ${endpointId} AND j.source = 'trial' AND j."startedAt" IS NOT NULL AND (w.image IS NOT NULL OR w.version IS NOT NULL)
      GROUP BY w.version, CASE WHEN w.version IS NULL THEN w.image END`,
  ]);
  const current = newestWorker ? deploymentOf(newestWorker) : endpoint.image || endpoint.configVersion ? deploymentOf({ version: endpoint.configVersion, image: endpoint.image }) : null; // configVersion: the workers list's endpointVersion
  const deployments = deploymentRows.flatMap((r) => {
    const d = deploymentOf(r);
    if (!d) return [];
    const t = trafficRows.find((x) => deploymentOf(x)?.key === d.key);
    return [{ key: d.key, label: d.label, firstSeenAt: new Date(r.first_seen), firstSweepTrafficAt: t ? new Date(t.first_traffic) : null }];
  });
  const since = current ? (deployments.find((d) => d.key === current.key)?.firstSeenAt ?? null) : null;
  const deployment = current && since ? { ...current, since } : null;
  const dVersion = current?.key.startsWith("version:") ? current.key.slice(8) : null;
  const dImage = current?.key.startsWith("image:") ? current.key.slice(6) : null;

  const [ready, crashes, lastCrashPerSignature, lastRestart, snapshots, healthErrors, smokeRuns, sweeps, jobs, incidents, activeRows] = await Promise.all([
    current && since
      ? prisma.workerEvent.findFirst({
          where: { endpointId, ...(dVersion ? { version: dVersion } : { image: dImage }), toStatus: { in: READY_STATUSES }, at: { gte: since } },
          orderBy: { at: "desc" },
          select: { id: true, at: true },
        })
      : null,
    prisma.crashEvent.findMany({
      where: { endpointId, live: true, at: { gte: since ?? windowStart } },
      orderBy: { at: "desc" },
      take: 50,
      select: { id: true, at: true, signature: true, image: true, deployment: true, workerId: true, evidence: true },
    }),
    prisma.$queryRaw<{ id: bigint; at: Date; signature: string; worker_id: string | null }[]>`
      SELECT DISTINCT ON (signature) id, at, signature, "workerId" AS worker_id FROM crash_events
      WHERE "endpointId" = ${endpointId} AND live ORDER BY signature, at DESC`,
    prisma.workerEvent.findFirst({ where: { endpointId, kind: "restart" }, orderBy: { at: "desc" }, select: { id: true, at: true, workerId: true } }),
    prisma.healthSnapshot.findMany({
      where: { endpointId },
      orderBy: { takenAt: "desc" },
      take: 20,
      select: { id: true, takenAt: true, workersIdle: true, workersRunning: true, workersReady: true, workersUnhealthy: true, workersInitializing: true, workersThrottled: true },
    }),
    prisma.pollError.findMany({ where: { endpointId, operation: "health" }, orderBy: { at: "desc" }, take: 20, select: { id: true, at: true } }),
    prisma.smokeRun.findMany({ where: { endpointId }, orderBy: { submittedAt: "desc" }, take: 20 }),
    prisma.sweep.findMany({
      where: { endpointId },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, name: true, state: true, finishedAt: true, metricTarget: true, metricGoal: true, bestValue: true },
    }),
    prisma.job.findMany({
      where: { endpointId, OR: [{ finishedAt: { gte: windowStart } }, { expiredAt: { gte: windowStart } }], status: { in: [...FINAL_JOB_STATUSES] } },
      orderBy: { finishedAt: { sort: "desc", nulls: "first" } },
      take: 2000,
      select: { id: true, status: true, executionTime: true, finishedAt: true, expiredAt: true, startedAt: true, updatedAt: true },
    }),
    prisma.incident.findMany({
      where: { endpointId, OR: [{ resolvedAt: null }, { resolvedAt: { gte: windowStart } }] },
      orderBy: { openedAt: "desc" },
      take: 200,
      select: { id: true, title: true, openedAt: true, resolvedAt: true },
    }),
    prisma.$queryRaw<{ day: string }[]>`
      SELECT to_char(("finishedAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day FROM jobs
      WHERE "endpointId" = ${endpointId} AND status = 'COMPLETED' AND "finishedAt" >= ${windowStart}
      UNION
      SELECT to_char(("takenAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day FROM health_snapshots
      WHERE "endpointId" = ${endpointId} AND "takenAt" >= ${windowStart} AND "workersRunning" > 0`,
  ]);

  // Without crash events (detection not running, or not yet), random_device aborts still show in the stored logs.
  const logCrashes = crashes.length === 0 ? await findLogCrashes(prisma, endpointId, new Date(Math.max((since ?? windowStart).getTime(), now.getTime() - LOG_FALLBACK_MS))) : [];

  const trialStats = sweeps.length
    ? await prisma.$queryRaw<{ sweepId: string; total: number; completed: number; failed_unretried: number; cancelled: number }[]>`
        SELECT t."sweepId", count(*)::int AS total,
          count(*) FILTER (WHERE t.status = 'completed')::int AS completed,
          count(*) FILTER (WHERE t.status IN ('failed', 'expired') AND NOT EXISTS (
            SELECT 1 FROM trials r WHERE r."sweepId" = t."sweepId" AND r.params = t.params AND r.status = 'completed' AND r.attempt > t.attempt))::int AS failed_unretried,
          count(*) FILTER (WHERE t.status = 'cancelled')::int AS cancelled
        FROM trials t WHERE t."sweepId" = ANY(${sweeps.map((s) => s.id)}::text[]) GROUP BY t."sweepId"`
    : [];

  const workerIds = [...new Set([...crashes.map((c) => c.workerId), ...logCrashes.map((c) => c.workerId)].filter((w): w is string => !!w))];
  const crashWorkers = workerIds.length ? await prisma.worker.findMany({ where: { endpointId, id: { in: workerIds } }, select: { id: true, version: true, image: true } }) : [];
  const deploymentOfWorker = new Map(crashWorkers.map((w) => [w.id, deploymentOf(w)?.key ?? null]));
  const crashDeployment = (workerId: string | null, image: string | null) =>
    (workerId ? deploymentOfWorker.get(workerId) : null) ?? (image ? (deploymentOf({ version: null, image })?.key ?? null) : null);

  const polls = [
    ...snapshots.map((s) => ({
      id: String(s.id),
      at: s.takenAt,
      ok: true,
      // idle + running are what RunPod documents (`ready` is undocumented and equals idle); one of them
      // not reported counts as unknown only when both are missing
      readyWorkers: s.workersIdle === null && s.workersRunning === null && s.workersReady === null ? null : (s.workersIdle ?? s.workersReady ?? 0) + (s.workersRunning ?? 0),
      unhealthyWorkers: s.workersUnhealthy ?? null,
      totalWorkers: nullableSum(s.workersIdle, s.workersRunning, s.workersInitializing, s.workersThrottled, s.workersUnhealthy),
    })),
    ...healthErrors.map((e) => ({ id: `error-${e.id}`, at: e.at, ok: false, readyWorkers: null, unhealthyWorkers: null, totalWorkers: null })),
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
    deployment,
    deployments,
    workerReadyAt: ready?.at ?? null,
    workerReadyEventId: ready ? String(ready.id) : null,
    crashes: [
      ...crashes.map((c) => ({ id: String(c.id), at: c.at, signature: c.signature, deployment: c.deployment ?? crashDeployment(c.workerId, c.image), workerId: c.workerId, line: firstLine(c.evidence) })),
      ...logCrashes.map((c) => ({ ...c, deployment: crashDeployment(c.workerId, c.image) })),
    ],
    restarts: [
      ...(logCrashes[0] && !lastCrashPerSignature.some((c) => c.signature === logCrashes[0].signature)
        ? [{ id: `log-${logCrashes[0].id}`, at: logCrashes[0].at, workerId: logCrashes[0].workerId ?? "?", signature: logCrashes[0].signature }]
        : []),
      ...lastCrashPerSignature.map((c) => ({ id: `crash-${c.id}`, at: new Date(c.at), workerId: c.worker_id ?? "?", signature: c.signature })),
      ...(lastRestart ? [{ id: String(lastRestart.id), at: lastRestart.at, workerId: lastRestart.workerId, signature: null }] : []),
    ],
    healthPolls: polls,
    smokeRuns: smokeRuns.map((r) => ({ id: String(r.id), jobId: r.jobId, deployment: r.deployment ?? (r.image ? `image:${r.image}` : null), ok: r.ok, status: r.status, submittedAt: r.submittedAt, finishedAt: r.finishedAt, error: r.error })),
    smokeOptIn: endpoint.smokeOptIn,
    sweeps: sweeps.map((s) => {
      const t = trialStats.find((x) => x.sweepId === s.id);
      const targetReached = s.metricTarget !== null && s.bestValue !== null && (s.metricGoal === "maximize" ? s.bestValue >= s.metricTarget : s.bestValue <= s.metricTarget);
      return {
        id: s.id,
        name: s.name,
        state: s.state,
        completedAt: s.state === "completed" ? s.finishedAt : null,
        total: t?.total ?? 0,
        completed: t?.completed ?? 0,
        failedUnretried: t?.failed_unretried ?? 0,
        cancelled: t?.cancelled ?? 0,
        targetReached,
      };
    }),
    jobs: jobs
      .map((j) => ({ id: j.id, status: j.status, executionTimeMs: j.executionTime, finishedAt: j.finishedAt ?? j.expiredAt ?? j.updatedAt, startedAt: j.startedAt }))
      .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime()),
    incidents: incidents.map((i) => ({ id: String(i.id), title: i.title, openedAt: i.openedAt, resolvedAt: i.resolvedAt })),
    attestations: [],
    activeDays: activeRows.map((r) => r.day),
  };
}

/** The enabled criteria (all, or those of `criterionIds`) with their newest unrevoked attestation, and the unpaused endpoints: what one evaluation pass judges. */
export function findCriteriaToEvaluate(prisma: PrismaClient, criterionIds: string[] | undefined) {
  return Promise.all([
    prisma.criterion.findMany({ where: { enabled: true, ...(criterionIds ? { id: { in: criterionIds.map((id) => BigInt(id)) } } : {}) }, include: { attestations: { where: { revokedAt: null }, orderBy: { attestedAt: "desc" }, take: 1 } } }),
    prisma.endpoint.findMany({ where: { paused: false }, select: { id: true } }),
  ]);
}

/** The newest evaluation of a criterion in one scope (an endpoint's, or with null the criterion's own). */
export function findLatestEvaluation(prisma: PrismaClient, criterionId: bigint, endpointId: string | null) {
  return prisma.criterionEvaluation.findFirst({ where: { criterionId, endpointId }, orderBy: { at: "desc" } });
}

/** The state of the newest evaluation before `before` that was not a failure (null: none). */
export async function findStateBefore(prisma: PrismaClient, criterionId: bigint, endpointId: string | null, before: Date): Promise<CriterionState | null> {
  const row = await prisma.criterionEvaluation.findFirst({
    where: { criterionId, endpointId, at: { lt: before }, state: { not: "fail" } },
    orderBy: { at: "desc" },
    select: { state: true },
  });
  return (row?.state as CriterionState | undefined) ?? null;
}

export interface EvaluationData {
  at: Date;
  state: CriterionState;
  since: Date;
  summary: string;
  evidence: object;
  countdownEndsAt: Date | null;
  resetReason: string | null;
}

/** Writes one evaluation of a criterion in one scope: over the row `replaceId` when given, else as a new row. */
export async function writeEvaluation(prisma: PrismaClient, scope: { criterionId: bigint; endpointId: string | null }, data: EvaluationData, replaceId: bigint | null): Promise<void> {
  if (replaceId !== null) await prisma.criterionEvaluation.update({ where: { id: replaceId }, data });
  else await prisma.criterionEvaluation.create({ data: { ...scope, ...data } });
}

/** Sum of /health counters; null when any is missing (a counter /health did not give is not zero). */
function nullableSum(...xs: (number | null | undefined)[]): number | null {
  let s = 0;
  for (const x of xs) {
    if (x === null || x === undefined) return null;
    s += x;
  }
  return s;
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
  /** Newest time among the evidence: the age of what the state rests on (null: no timed evidence). */
  evidenceAt: string | null;
  countdownEndsAt: string | null;
  resetReason: string | null;
}

/** Every criterion with its latest evaluation, for the whole installation or one endpoint. */
export async function listCriteria(opts: { endpointId?: string }, ctx: Ctx): Promise<CriterionDto[]> {
  const prisma = ctx.db;
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
      evidenceAt: evidenceAt({ evidence: (Array.isArray(e?.evidence) ? e.evidence : []) as unknown as Evidence[] })?.toISOString() ?? null,
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
export async function listCriterionHistory(
  opts: { criterionId: string; endpointId?: string | null; since?: Date; limit?: number },
  ctx: Ctx,
): Promise<CriterionHistoryPointDto[]> {
  const rows = await ctx.db.criterionEvaluation.findMany({
    where: { criterionId: BigInt(opts.criterionId), endpointId: opts.endpointId ?? null, ...(opts.since ? { at: { gte: opts.since } } : {}) },
    orderBy: { at: "desc" },
    take: Math.min(opts.limit ?? 500, 5000),
    select: { at: true, state: true, summary: true },
  });
  return rows.map((r) => ({ at: r.at.toISOString(), state: r.state as CriterionState, summary: r.summary }));
}

export interface CriterionHistoryRow {
  at: string;
  state: CriterionState;
}

/** Which evaluation rows show a criterion: its per-endpoint rows under an endpoint filter, else its own scope's. */
function evaluationScope(c: { endpointId: string | null; rule: string }, filter: string | undefined): string | null {
  return filter && !c.endpointId && c.rule !== "attestation" ? filter : c.endpointId;
}

/** State history (oldest first) of several criteria since a time, one query, for the trend bars. */
async function listCriteriaHistories(
  prisma: PrismaClient,
  criteria: { id: string; endpointId: string | null; rule: string }[],
  opts: { endpointId?: string; since: Date },
): Promise<Map<string, CriterionHistoryRow[]>> {
  const out = new Map<string, CriterionHistoryRow[]>(criteria.map((c) => [c.id, []]));
  if (!criteria.length) return out;
  const want = new Map(criteria.map((c) => [c.id, evaluationScope(c, opts.endpointId)]));
  const scopes = [...new Set([...want.values()])];
  const rows = await prisma.criterionEvaluation.findMany({
    where: {
      criterionId: { in: criteria.map((c) => BigInt(c.id)) },
      at: { gte: opts.since },
      OR: [...(scopes.includes(null) ? [{ endpointId: null }] : []), { endpointId: { in: scopes.filter((s): s is string => s !== null) } }],
    },
    orderBy: { at: "asc" },
    take: 50_000,
    select: { criterionId: true, endpointId: true, at: true, state: true },
  });
  for (const r of rows) {
    const id = String(r.criterionId);
    if (want.get(id) !== r.endpointId) continue;
    out.get(id)?.push({ at: r.at.toISOString(), state: r.state as CriterionState });
  }
  return out;
}

export interface AttestationDto {
  id: string;
  by: string;
  at: string;
  link: string | null;
  note: string | null;
}

export interface CriterionDetailDto {
  criterion: CriterionDto;
  history: CriterionHistoryPointDto[];
  attestations: AttestationDto[];
}

export async function findCriterionRow(prisma: PrismaClient, id: string) {
  if (!/^\d{1,18}$/.test(id)) throw new AppError("not_found", `No criterion "${id}".`);
  const row = await prisma.criterion.findUnique({ where: { id: BigInt(id) } });
  if (!row) throw new AppError("not_found", `No criterion "${id}".`);
  return row;
}

/** One criterion with its latest evaluation, its history (newest first) and its attestations. */
export async function getCriterion(opts: { id: string; endpointId?: string; historyLimit?: number }, ctx: Ctx): Promise<CriterionDetailDto> {
  const id = opts.id;
  const row = await findCriterionRow(ctx.db, id);
  const [list, history, attestations] = await Promise.all([
    listCriteria({ endpointId: opts.endpointId }, ctx),
    listCriterionHistory({ criterionId: id, endpointId: evaluationScope(row, opts.endpointId), limit: opts.historyLimit ?? 200 }, ctx),
    ctx.db.attestation.findMany({ where: { criterionId: row.id, revokedAt: null }, orderBy: { attestedAt: "desc" }, take: 50 }),
  ]);
  const criterion = list.find((c) => c.id === id);
  if (!criterion) throw new AppError("not_found", `Criterion "${id}" does not apply to endpoint "${opts.endpointId}".`);
  return {
    criterion,
    history,
    attestations: attestations.map((a) => ({ id: String(a.id), by: a.attestedBy, at: a.attestedAt.toISOString(), link: a.link, note: a.note })),
  };
}

export interface CriteriaViewDto {
  /** perEndpoint: for an all-endpoints criterion without an endpoint filter, each endpoint's own verdict. */
  criteria: (CriterionDto & { history: CriterionHistoryRow[]; perEndpoint: { endpointId: string; state: CriterionState }[] })[];
  endpoints: { id: string; name: string }[];
  endpointId: string | null;
  days: number;
  evaluatedAt: string | null;
  generatedAt: string;
}

/** What the criteria page, GET /api/criteria and the Markdown report show: criteria + recent history + the endpoint filter. */
export async function listCriteriaView(opts: { endpointId?: string; days?: number }, ctx: Ctx): Promise<CriteriaViewDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const days = opts.days ?? 28;
  const [endpoints, criteria] = await Promise.all([
    prisma.endpoint.findMany({ orderBy: { id: "asc" }, take: 500, select: { id: true, name: true, displayName: true } }),
    listCriteria({ endpointId: opts.endpointId }, ctx),
  ]);
  if (opts.endpointId && !endpoints.some((e) => e.id === opts.endpointId)) {
    throw new AppError("not_found", `Endpoint "${opts.endpointId}" is not known to sweepwatch.`);
  }
  const combined = opts.endpointId ? [] : criteria.filter((c) => !c.endpointId && c.rule !== "attestation");
  const [histories, latestPerEndpoint] = await Promise.all([
    listCriteriaHistories(prisma, criteria, { endpointId: opts.endpointId, since: new Date(now.getTime() - days * DAY) }),
    combined.length
      ? prisma.$queryRaw<{ criterionId: bigint; endpointId: string; state: CriterionState }[]>`
          SELECT DISTINCT ON ("criterionId", "endpointId") "criterionId", "endpointId", state::text AS state
          FROM criterion_evaluations
          WHERE "criterionId" = ANY(${combined.map((c) => BigInt(c.id))}::bigint[]) AND "endpointId" IS NOT NULL AND at >= ${new Date(now.getTime() - DAY)}
          ORDER BY "criterionId", "endpointId", at DESC`
      : Promise.resolve([]),
  ]);
  const perEndpoint = new Map<string, { endpointId: string; state: CriterionState }[]>();
  const known = new Set(endpoints.map((e) => e.id));
  for (const r of latestPerEndpoint) {
    if (!known.has(r.endpointId)) continue;
    const k = String(r.criterionId);
    perEndpoint.set(k, [...(perEndpoint.get(k) ?? []), { endpointId: r.endpointId, state: r.state }]);
  }
  const evaluated = criteria.map((c) => c.evaluatedAt).filter((x): x is string => !!x).sort();
  return {
    criteria: criteria.map((c) => ({ ...c, history: histories.get(c.id) ?? [], perEndpoint: perEndpoint.get(c.id) ?? [] })),
    endpoints: endpoints.map((e) => ({ id: e.id, name: e.displayName ?? e.name })),
    endpointId: opts.endpointId ?? null,
    days,
    evaluatedAt: evaluated.at(-1) ?? null,
    generatedAt: now.toISOString(),
  };
}
