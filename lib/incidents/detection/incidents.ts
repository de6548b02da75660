import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { EXTRA_SIGNATURE_TITLES, findCrashLoops, findUnknownLoop, recoveryEvidence, UNKNOWN_LOOP, type Recovery } from "@/lib/domain/crash";
import { ruleConfigOf, type DetectionConfig } from "@/lib/incidents/detection/config";
import type { EndpointDetectionFacts } from "@/lib/incidents/detection/verdicts";
import { signatureTitle } from "@/lib/domain/crash/signatures";

export type IncidentNotificationKind = "opened" | "regressed" | "resolved";

/** Notification.dedupeKey: one message per incident, kind and regression round. */
export function notificationKey(incidentId: bigint | string, kind: IncidentNotificationKind, regressionCount: number): string {
  return `${incidentId}:${kind}:${regressionCount}`;
}

type Db = PrismaClient | Prisma.TransactionClient;

export interface LoopGroup {
  fingerprint: string;
  signature: string;
  count: number;
  workers: Set<string>;
  lastAt: number;
}

/** Every fingerprint of the endpoint that crash-loops now: findCrashLoops (lib/domain/crash), the rule the verdicts use. */
export function findLoopGroups(facts: Pick<EndpointDetectionFacts, "crashes"> & Partial<Pick<EndpointDetectionFacts, "completions" | "liveWorkers">>, now: Date, cfg: DetectionConfig): LoopGroup[] {
  return findCrashLoops(facts.crashes, { now, config: ruleConfigOf(cfg), completions: facts.completions, liveWorkers: facts.liveWorkers }).map((l) => ({ fingerprint: l.fingerprint, signature: l.signature, count: l.count, workers: l.workers, lastAt: l.lastAt }));
}

/** Queues a webhook message once (Notification.dedupeKey); the sender delivers it. */
export async function enqueueIncidentNotification(db: Db, input: { incidentId: bigint; kind: IncidentNotificationKind; regressionCount: number; payload: Record<string, unknown>; now: Date }): Promise<void> {
  await db.notification.createMany({
    data: [{ dedupeKey: notificationKey(input.incidentId, input.kind, input.regressionCount), kind: `incident.${input.kind}`, payload: input.payload as Prisma.InputJsonValue, nextAttemptAt: input.now, createdAt: input.now }],
    skipDuplicates: true,
  });
}

export interface IncidentMessageInput {
  id: bigint;
  endpointId: string;
  endpointName: string;
  title: string;
  signature: string;
  kind: IncidentNotificationKind;
  regressionCount: number;
  crashCount?: number;
  line?: string | null;
  actor?: string | null;
  baseUrl?: string | null;
}

/** Slack-compatible body: `text` for any receiver, `blocks` for Slack. */
export function incidentMessage(m: IncidentMessageInput): { text: string; blocks: unknown[] } {
  const verb = m.kind === "opened" ? "opened" : m.kind === "regressed" ? `regressed (×${m.regressionCount})` : `resolved${m.actor ? ` by ${m.actor}` : " (quiet period, auto)"}`;
  const icon = m.kind === "resolved" ? ":white_check_mark:" : ":rotating_light:";
  const link = m.baseUrl ? `${m.baseUrl.replace(/\/+$/, "")}/incidents/${m.id}` : `/incidents/${m.id}`;
  const text = `${icon} Incident #${m.id} ${verb}: ${m.title} on ${m.endpointName} (${m.endpointId})${m.crashCount ? `, ${m.crashCount} crashes` : ""}. ${link}`;
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `${icon} *Incident #${m.id} ${verb}*\n*${m.title}* on \`${m.endpointId}\`` } },
  ];
  if (m.line && m.kind !== "resolved") blocks.push({ type: "section", text: { type: "mrkdwn", text: "```" + m.line.slice(0, 500) + "```" } });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `signature \`${m.signature}\` · <${link}|open incident>` }] });
  return { text, blocks };
}

function firstMatch(evidence: unknown): string | null {
  if (!Array.isArray(evidence)) return null;
  const hit = evidence.find((e) => e && typeof e === "object" && (e as { match?: boolean }).match) as { text?: string } | undefined;
  return hit?.text ?? null;
}

export interface LifecycleResult {
  opened: bigint[];
  regressed: bigint[];
  resolved: bigint[];
  /** Open (or acknowledged) incident per fingerprint after the pass. */
  openByFingerprint: Map<string, bigint>;
}

/** Something that pages: a classified crash loop, a loop without readable logs, or a per-endpoint queue alert. */
export interface IncidentCondition {
  fingerprint: string;
  signature: string;
  title: string;
  /** The condition holds now. */
  active: boolean;
  /** Newest bad evidence (a crash, a restart, the poll that showed it). */
  lastBadAt: number;
  count?: number;
  line?: string | null;
  detail: Record<string, unknown>;
}

export const ALERT_QUEUE_AGE = "alert_queue_age";
export const ALERT_QUEUE_STALLED = "alert_queue_stalled";
export const ALERT_COMPLETION_RATE = "alert_completion_rate";
/** A classifier-free queue alert (its fingerprint and signature are the same): a problem, not a crash. */
export const isQueueAlert = (fingerprintOrSignature: string) => fingerprintOrSignature.startsWith("alert_");
export const CONDITION_TITLES: Record<string, string> = {
  [UNKNOWN_LOOP]: EXTRA_SIGNATURE_TITLES[UNKNOWN_LOOP],
  [ALERT_QUEUE_AGE]: "Oldest queued job waits too long",
  [ALERT_QUEUE_STALLED]: "Queue grows with no completions",
  [ALERT_COMPLETION_RATE]: "Completion rate below its recent baseline",
};

/** The wrapper's start-up facts (stdin, CPU, libstdc++, frameworks) of the given workers, newest per worker. */
async function startupFacts(prisma: PrismaClient, endpointId: string, workers: string[]): Promise<Record<string, unknown>[]> {
  if (!workers.length) return [];
  const rows = await prisma.workerEvent.findMany({
    where: { endpointId, kind: "startup", workerId: { in: workers.slice(0, 20) } },
    orderBy: { at: "desc" },
    take: 40,
    select: { workerId: true, at: true, detail: true },
  });
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.workerId) && seen.add(r.workerId)).map((r) => ({ workerId: r.workerId, at: r.at.toISOString(), ...(r.detail as Record<string, unknown>) }));
}

/** Per-endpoint alerts that need no classifier: oldest IN_QUEUE age, a growing queue with no completions, completion rate below baseline. */
async function queueAlerts(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig, facts: EndpointDetectionFacts): Promise<IncidentCondition[]> {
  const out: IncidentCondition[] = [];
  const fresh = facts.healthAt !== null && now.getTime() - facts.healthAt.getTime() <= cfg.staleMs;
  if (cfg.alertQueueAgeMs > 0) {
    const oldest = await prisma.job.findFirst({ where: { endpointId, status: "IN_QUEUE" }, orderBy: [{ submittedAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }], select: { id: true, submittedAt: true, createdAt: true } });
    const since = oldest ? (oldest.submittedAt ?? oldest.createdAt).getTime() : null;
    const age = since === null ? 0 : now.getTime() - since;
    out.push({
      fingerprint: ALERT_QUEUE_AGE,
      signature: ALERT_QUEUE_AGE,
      title: CONDITION_TITLES[ALERT_QUEUE_AGE],
      active: age > cfg.alertQueueAgeMs,
      lastBadAt: now.getTime(),
      detail: { oldestJobId: oldest?.id ?? null, waitingMs: age, thresholdMs: cfg.alertQueueAgeMs },
    });
  }
  if (cfg.alertQueueGrowth > 0) {
    const from = now.getTime() - cfg.alertQueueGrowthWindowMs;
    const pts = facts.healthSeries.filter((p) => p.at.getTime() >= from && p.inQueue !== null);
    const growth = pts.length >= 2 ? pts[pts.length - 1].inQueue! - pts[0].inQueue! : 0;
    const noCompletion = facts.lastCompletedAt === null || facts.lastCompletedAt.getTime() < from;
    out.push({
      fingerprint: ALERT_QUEUE_STALLED,
      signature: ALERT_QUEUE_STALLED,
      title: CONDITION_TITLES[ALERT_QUEUE_STALLED],
      active: fresh && growth >= cfg.alertQueueGrowth && noCompletion,
      lastBadAt: pts.length ? pts[pts.length - 1].at.getTime() : now.getTime(),
      detail: { queueGrowth: growth, windowMs: cfg.alertQueueGrowthWindowMs, lastCompletedAt: facts.lastCompletedAt?.toISOString() ?? null },
    });
  }
  if (cfg.alertRateDropPct > 0) {
    const w = cfg.alertRateWindowMs;
    const [recent, baseline] = await Promise.all([
      prisma.job.count({ where: { endpointId, status: "COMPLETED", finishedAt: { gt: new Date(now.getTime() - w), lte: now } } }),
      prisma.job.count({ where: { endpointId, status: "COMPLETED", finishedAt: { gt: new Date(now.getTime() - 24 * 3_600_000 - w), lte: new Date(now.getTime() - w) } } }),
    ]);
    const perWindow = baseline / ((24 * 3_600_000) / w);
    const queued = (facts.healthSeries.at(-1)?.inQueue ?? 0) > 0;
    out.push({
      fingerprint: ALERT_COMPLETION_RATE,
      signature: ALERT_COMPLETION_RATE,
      title: CONDITION_TITLES[ALERT_COMPLETION_RATE],
      // only while work waits: a quiet hour with an empty queue is not a drop
      active: fresh && queued && perWindow >= cfg.alertRateMinBaseline && recent < (perWindow * cfg.alertRateDropPct) / 100,
      lastBadAt: now.getTime(),
      detail: { completedInWindow: recent, baselinePerWindow: Math.round(perWindow * 10) / 10, windowMs: w, dropPct: cfg.alertRateDropPct },
    });
  }
  return out;
}

/**
 * Incident lifecycle of one endpoint (runs after its crash events were written). Conditions: each
 * crash-looping fingerprint (findCrashLoops), a crash loop without readable logs (findUnknownLoop,
 * kind "crash loop, cause unknown"), and the queue alerts. For each:
 * - active and no incident → open one (+ event with the worker evidence and start-up facts, + notification);
 * - active and its latest incident resolved before the newest bad evidence → reopen as a regression;
 * - an open/acknowledged incident whose condition no longer holds resolves automatically only on positive
 *   evidence (recoveryEvidence: jobs completed after the last crash, or workers ready for quietMs; queue
 *   alerts: fresh data showing the condition cleared). An endpoint gone silent, scaled to zero or without
 *   ready workers stays open with a "no_data" event ("no data since …").
 * Crash group states follow: new → ongoing (loop) → resolved → regressed → ongoing.
 */
export async function runIncidentLifecycle(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig, facts: EndpointDetectionFacts): Promise<LifecycleResult> {
  const out: LifecycleResult = { opened: [], regressed: [], resolved: [], openByFingerprint: new Map() };
  const rule = ruleConfigOf(cfg);
  const loops = findCrashLoops(facts.crashes, { now, config: rule, completions: facts.completions, liveWorkers: facts.liveWorkers });
  // an unrecognised crash loop is titled by its group's masked last error line, the only name it has
  const unrecognised = loops.filter((l) => l.signature === "unrecognised").map((l) => l.fingerprint);
  const groupTitles = new Map(
    unrecognised.length
      ? (await prisma.crashGroup.findMany({ where: { endpointId, fingerprint: { in: unrecognised } }, select: { fingerprint: true, title: true } })).map((g) => [g.fingerprint, g.title])
      : [],
  );
  const conditions: IncidentCondition[] = loops.map((l) => {
    const latest = facts.crashes.filter((c) => c.fingerprint === l.fingerprint).sort((a, b) => +new Date(b.at) - +new Date(a.at))[0];
    return {
      fingerprint: l.fingerprint,
      signature: l.signature,
      title: groupTitles.get(l.fingerprint) ?? `${signatureTitle(l.signature)}: crash loop`,
      active: true,
      lastBadAt: l.lastAt,
      count: l.count,
      line: latest ? firstMatch(latest.evidence) : null,
      detail: { crashes: l.count, workers: [...l.workers], backoff: l.backoff },
    };
  });
  const unknownLoop = loops.length
    ? null
    : findUnknownLoop({ now, restarts: facts.restarts, unexplained: facts.unexplained, series: facts.healthSeries, lastCompletedAt: facts.lastCompletedAt, config: rule });
  const lastUnknownBad = Math.max(0, ...facts.restarts.map((r) => r.at.getTime()), ...facts.unexplained.map((u) => u.at.getTime()), ...facts.healthSeries.filter((p) => (p.unhealthy ?? 0) > 0).map((p) => p.at.getTime()));
  conditions.push({
    fingerprint: UNKNOWN_LOOP,
    signature: UNKNOWN_LOOP,
    title: CONDITION_TITLES[UNKNOWN_LOOP],
    active: unknownLoop !== null,
    lastBadAt: unknownLoop?.lastAt ?? lastUnknownBad,
    line: unknownLoop ? `crash loop, cause unknown: ${unknownLoop.why}` : null,
    detail: unknownLoop ? { why: unknownLoop.why, workers: unknownLoop.workers, unhealthy: facts.health?.unhealthy ?? null } : {},
  });
  conditions.push(...(await queueAlerts(prisma, endpointId, now, cfg, facts)));

  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { name: true, displayName: true } });
  const endpointName = endpoint?.displayName ?? endpoint?.name ?? endpointId;
  const activeFps = conditions.filter((c) => c.active).map((c) => c.fingerprint);
  const incidents = await prisma.incident.findMany({
    where: { endpointId, OR: [{ state: { in: ["open", "acknowledged"] } }, { fingerprint: { in: activeFps } }] },
    orderBy: { openedAt: "desc" },
    select: { id: true, fingerprint: true, state: true, resolvedAt: true, regressionCount: true, title: true, signature: true, crashGroupId: true },
  });
  const latestByFp = new Map<string, (typeof incidents)[number]>();
  for (const i of incidents) if (!latestByFp.has(i.fingerprint)) latestByFp.set(i.fingerprint, i);

  // A queue alert on an endpoint that crash-loops says nothing the crash incident does not: it is not
  // opened (or reopened) meanwhile, so on-call is paged once per cause. One already open stays open.
  const crashExplainsQueue = loops.length > 0 || unknownLoop !== null;
  for (const cond of conditions.filter((c) => c.active)) {
    const inc = latestByFp.get(cond.fingerprint);
    if (crashExplainsQueue && isQueueAlert(cond.fingerprint) && (!inc || inc.state === "resolved")) continue;
    const group = await prisma.crashGroup.findUnique({ where: { endpointId_fingerprint: { endpointId, fingerprint: cond.fingerprint } }, select: { id: true, state: true, stateChangedAt: true } });
    if (!inc) {
      const first = await prisma.crashEvent.findFirst({ where: { endpointId, fingerprint: cond.fingerprint }, orderBy: { at: "asc" }, select: { image: true } });
      const workers = Array.isArray(cond.detail.workers) ? (cond.detail.workers as string[]) : [];
      const startup = await startupFacts(prisma, endpointId, workers);
      const id = await prisma.$transaction(async (tx) => {
        // two pollers (a lease hand-over mid-pass) must not open the same incident twice
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`incident:${endpointId}:${cond.fingerprint}`}))`;
        const existing = await tx.incident.findFirst({ where: { endpointId, fingerprint: cond.fingerprint, state: { in: ["open", "acknowledged"] } }, select: { id: true } });
        if (existing) return { id: existing.id, created: false };
        const created = await tx.incident.create({
          data: { endpointId, crashGroupId: group?.id ?? null, signature: cond.signature, fingerprint: cond.fingerprint, title: cond.title, openedAt: now, introducedImage: first?.image ?? null },
          select: { id: true },
        });
        await tx.incidentEvent.create({
          data: { incidentId: created.id, kind: "opened", actor: null, at: now, detail: { ...cond.detail, lastBadAt: new Date(cond.lastBadAt).toISOString(), ...(startup.length ? { startup } : {}) } as Prisma.InputJsonValue },
        });
        await enqueueIncidentNotification(tx, {
          incidentId: created.id,
          kind: "opened",
          regressionCount: 0,
          now,
          payload: incidentMessage({ id: created.id, endpointId, endpointName, title: cond.title, signature: cond.signature, kind: "opened", regressionCount: 0, crashCount: cond.count, line: cond.line }),
        });
        if (group) await tx.crashGroup.update({ where: { id: group.id }, data: { state: "ongoing", stateChangedAt: now } });
        return { id: created.id, created: true };
      });
      if (id.created) out.opened.push(id.id);
      out.openByFingerprint.set(cond.fingerprint, id.id);
      continue;
    }
    if (inc.state === "resolved") {
      if (!inc.resolvedAt || cond.lastBadAt <= inc.resolvedAt.getTime()) continue;
      const n = inc.regressionCount + 1;
      await prisma.$transaction(async (tx) => {
        const upd = await tx.incident.updateMany({
          where: { id: inc.id, state: "resolved" },
          data: { state: "open", regressionCount: n, lastRegressedAt: now, resolvedAt: null, resolvedBy: null, resolution: null, acknowledgedAt: null, acknowledgedBy: null },
        });
        if (!upd.count) return;
        await tx.incidentEvent.create({ data: { incidentId: inc.id, kind: "regressed", actor: null, at: now, detail: { regressionCount: n, ...cond.detail } as Prisma.InputJsonValue } });
        await enqueueIncidentNotification(tx, {
          incidentId: inc.id,
          kind: "regressed",
          regressionCount: n,
          now,
          payload: incidentMessage({ id: inc.id, endpointId, endpointName, title: inc.title, signature: inc.signature, kind: "regressed", regressionCount: n, crashCount: cond.count, line: cond.line }),
        });
        if (group) await tx.crashGroup.update({ where: { id: group.id }, data: { state: "regressed", stateChangedAt: now } });
      });
      out.regressed.push(inc.id);
      out.openByFingerprint.set(cond.fingerprint, inc.id);
      continue;
    }
    out.openByFingerprint.set(cond.fingerprint, inc.id);
    if (group && group.state === "regressed") {
      const after = facts.crashes.filter((c) => c.fingerprint === cond.fingerprint && +new Date(c.at) > group.stateChangedAt.getTime()).length;
      if (after >= cfg.minCrashes) await prisma.crashGroup.update({ where: { id: group.id }, data: { state: "ongoing", stateChangedAt: now } });
    }
  }

  // auto-resolve: only on positive evidence
  const byFp = new Map(conditions.map((c) => [c.fingerprint, c]));
  for (const inc of incidents.filter((i) => i.state === "open" || i.state === "acknowledged")) {
    const cond = byFp.get(inc.fingerprint);
    if (cond?.active) continue;
    let rec: Recovery;
    if (isQueueAlert(inc.fingerprint)) {
      const fresh = facts.healthAt !== null && now.getTime() - facts.healthAt.getTime() <= cfg.staleMs;
      rec = fresh && cond ? { recovered: true, reason: "fresh data shows the condition cleared", evidenceAt: facts.healthAt!.getTime() } : { recovered: false, reason: facts.lastDataAt ? `no data since ${facts.lastDataAt.toISOString()}` : "no data about the endpoint", noDataSince: facts.lastDataAt?.getTime() ?? null };
    } else {
      const last = inc.fingerprint === UNKNOWN_LOOP ? null : await prisma.crashEvent.aggregate({ where: { endpointId, fingerprint: inc.fingerprint, live: true }, _max: { at: true } });
      const lastBadAt = inc.fingerprint === UNKNOWN_LOOP ? (cond?.lastBadAt ?? 0) : (last?._max.at?.getTime() ?? 0);
      rec = recoveryEvidence({ now, lastBadAt, lastCompletedAt: facts.lastCompletedAt, series: facts.healthSeries, lastDataAt: facts.lastDataAt, quietMs: cfg.quietMs, recoveredQuietMs: cfg.recoveredQuietMs, staleMs: cfg.staleMs });
    }
    if (!rec.recovered) {
      out.openByFingerprint.set(inc.fingerprint, inc.id);
      await recordNoData(prisma, inc.id, now, rec, cfg.staleMs);
      continue;
    }
    const reason = rec.reason;
    const done = await prisma.$transaction(async (tx) => {
      const upd = await tx.incident.updateMany({ where: { id: inc.id, state: { in: ["open", "acknowledged"] } }, data: { state: "resolved", resolvedAt: now, resolvedBy: null, resolution: "auto" } });
      if (!upd.count) return false;
      await tx.incidentEvent.create({ data: { incidentId: inc.id, kind: "resolved", actor: null, at: now, detail: { auto: true, reason, evidenceAt: new Date(rec.recovered ? rec.evidenceAt : now.getTime()).toISOString() } } });
      await enqueueIncidentNotification(tx, {
        incidentId: inc.id,
        kind: "resolved",
        regressionCount: inc.regressionCount,
        now,
        payload: incidentMessage({ id: inc.id, endpointId, endpointName, title: inc.title, signature: inc.signature, kind: "resolved", regressionCount: inc.regressionCount }),
      });
      if (inc.crashGroupId) await tx.crashGroup.update({ where: { id: inc.crashGroupId }, data: { state: "resolved", stateChangedAt: now } });
      return true;
    });
    if (done) {
      out.resolved.push(inc.id);
      out.openByFingerprint.delete(inc.fingerprint);
    }
  }
  return out;
}

/** Records once per silence that an open incident has no data to judge recovery ("no data since …"). */
async function recordNoData(prisma: PrismaClient, incidentId: bigint, now: Date, rec: Recovery & { recovered: false }, staleMs: number): Promise<void> {
  // a worker restarting for a minute is not silence; a stretch longer than staleMs is
  if (rec.noDataSince === null || now.getTime() - rec.noDataSince <= staleMs) return;
  const since = new Date(rec.noDataSince).toISOString();
  const last = await prisma.incidentEvent.findFirst({ where: { incidentId, kind: "no_data" }, orderBy: { at: "desc" }, select: { detail: true } });
  if ((last?.detail as { since?: string } | null)?.since === since) return;
  await prisma.incidentEvent.create({ data: { incidentId, kind: "no_data", actor: null, at: now, detail: { since, reason: rec.reason } } });
}
