import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { DetectionConfig } from "@/lib/detection/config";
import type { EndpointDetectionFacts } from "@/lib/detection/verdicts";
import { signatureTitle } from "@/lib/detection/crashes";

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

/**
 * Every fingerprint of the endpoint that crash-loops now under the rule of verdictForQueuedJob:
 * at least minCrashes crashes within windowMs, all after the last completed job, from at least
 * minWorkers workers. A single crash never qualifies (minCrashes >= 2).
 */
export function findLoopGroups(facts: EndpointDetectionFacts, now: Date, cfg: DetectionConfig): LoopGroup[] {
  const since = facts.lastCompletedAt ? facts.lastCompletedAt.getTime() : -Infinity;
  const groups = new Map<string, LoopGroup>();
  for (const c of facts.crashes) {
    const at = new Date(c.at).getTime();
    if (now.getTime() - at > cfg.windowMs || at <= since) continue;
    let g = groups.get(c.fingerprint);
    if (!g) groups.set(c.fingerprint, (g = { fingerprint: c.fingerprint, signature: c.signature, count: 0, workers: new Set(), lastAt: at }));
    g.count++;
    g.lastAt = Math.max(g.lastAt, at);
    if (c.workerId) g.workers.add(c.workerId);
  }
  return [...groups.values()].filter((g) => g.count >= cfg.minCrashes && (g.workers.size >= cfg.minWorkers || (cfg.minWorkers === 1 && g.workers.size === 0)));
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

/**
 * Incident lifecycle of one endpoint (runs after its crash events were written):
 * - a fingerprint that crash-loops (findLoopGroups) and has no incident → open one (+ event, notification);
 * - its latest incident resolved and a crash of it came after the resolution → reopen as a regression;
 * - an open/acknowledged incident auto-resolves after quietMs without a crash of its fingerprint, or after
 *   recoveredQuietMs when a job of the endpoint completed after that last crash.
 * Crash group states follow: new → ongoing (loop) → resolved → regressed → ongoing.
 */
export async function runIncidentLifecycle(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig, facts: EndpointDetectionFacts): Promise<LifecycleResult> {
  const out: LifecycleResult = { opened: [], regressed: [], resolved: [], openByFingerprint: new Map() };
  const loops = findLoopGroups(facts, now, cfg);
  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { name: true, displayName: true } });
  const endpointName = endpoint?.displayName ?? endpoint?.name ?? endpointId;
  const active = await prisma.incident.findMany({
    where: { endpointId, OR: [{ state: { in: ["open", "acknowledged"] } }, { fingerprint: { in: loops.map((l) => l.fingerprint) } }] },
    orderBy: { openedAt: "desc" },
    select: { id: true, fingerprint: true, state: true, resolvedAt: true, regressionCount: true, title: true, signature: true, crashGroupId: true },
  });
  const latestByFp = new Map<string, (typeof active)[number]>();
  for (const i of active) if (!latestByFp.has(i.fingerprint)) latestByFp.set(i.fingerprint, i);

  for (const loop of loops) {
    const inc = latestByFp.get(loop.fingerprint);
    const group = await prisma.crashGroup.findUnique({ where: { endpointId_fingerprint: { endpointId, fingerprint: loop.fingerprint } }, select: { id: true, title: true, state: true } });
    const latestCrash = facts.crashes.filter((c) => c.fingerprint === loop.fingerprint).sort((a, b) => +new Date(b.at) - +new Date(a.at))[0];
    const line = latestCrash ? firstMatch(latestCrash.evidence) : null;
    if (!inc) {
      const title = `${signatureTitle(loop.signature)}: crash loop`;
      const first = await prisma.crashEvent.findFirst({ where: { endpointId, fingerprint: loop.fingerprint }, orderBy: { at: "asc" }, select: { image: true } });
      const id = await prisma.$transaction(async (tx) => {
        // two pollers (a lease hand-over mid-pass) must not open the same incident twice
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`incident:${endpointId}:${loop.fingerprint}`}))`;
        const existing = await tx.incident.findFirst({ where: { endpointId, fingerprint: loop.fingerprint }, select: { id: true } });
        if (existing) return { id: existing.id, created: false };
        const created = await tx.incident.create({
          data: { endpointId, crashGroupId: group?.id ?? null, signature: loop.signature, fingerprint: loop.fingerprint, title, openedAt: now, introducedImage: first?.image ?? null },
          select: { id: true },
        });
        await tx.incidentEvent.create({ data: { incidentId: created.id, kind: "opened", actor: null, at: now, detail: { crashes: loop.count, workers: [...loop.workers] } } });
        await enqueueIncidentNotification(tx, {
          incidentId: created.id,
          kind: "opened",
          regressionCount: 0,
          now,
          payload: incidentMessage({ id: created.id, endpointId, endpointName, title, signature: loop.signature, kind: "opened", regressionCount: 0, crashCount: loop.count, line }),
        });
        if (group) await tx.crashGroup.update({ where: { id: group.id }, data: { state: "ongoing", stateChangedAt: now } });
        return { id: created.id, created: true };
      });
      if (id.created) out.opened.push(id.id);
      out.openByFingerprint.set(loop.fingerprint, id.id);
      continue;
    }
    if (inc.state === "resolved") {
      if (!inc.resolvedAt || loop.lastAt <= inc.resolvedAt.getTime()) continue;
      const n = inc.regressionCount + 1;
      await prisma.$transaction(async (tx) => {
        const upd = await tx.incident.updateMany({
          where: { id: inc.id, state: "resolved" },
          data: { state: "open", regressionCount: n, lastRegressedAt: now, resolvedAt: null, resolvedBy: null, resolution: null, acknowledgedAt: null, acknowledgedBy: null },
        });
        if (!upd.count) return;
        await tx.incidentEvent.create({ data: { incidentId: inc.id, kind: "regressed", actor: null, at: now, detail: { regressionCount: n, crashes: loop.count } } });
        await enqueueIncidentNotification(tx, {
          incidentId: inc.id,
          kind: "regressed",
          regressionCount: n,
          now,
          payload: incidentMessage({ id: inc.id, endpointId, endpointName, title: inc.title, signature: inc.signature, kind: "regressed", regressionCount: n, crashCount: loop.count, line }),
        });
        if (group) await tx.crashGroup.update({ where: { id: group.id }, data: { state: "regressed", stateChangedAt: now } });
      });
      out.regressed.push(inc.id);
      out.openByFingerprint.set(loop.fingerprint, inc.id);
      continue;
    }
    out.openByFingerprint.set(loop.fingerprint, inc.id);
    if (group && group.state === "regressed") {
      const since = await prisma.crashGroup.findUnique({ where: { id: group.id }, select: { stateChangedAt: true } });
      const after = facts.crashes.filter((c) => c.fingerprint === loop.fingerprint && since && +new Date(c.at) > since.stateChangedAt.getTime()).length;
      if (after >= cfg.minCrashes) await prisma.crashGroup.update({ where: { id: group.id }, data: { state: "ongoing", stateChangedAt: now } });
    }
  }

  // auto-resolve
  const open = active.filter((i) => i.state === "open" || i.state === "acknowledged");
  for (const inc of open) {
    if (out.openByFingerprint.has(inc.fingerprint) && loops.some((l) => l.fingerprint === inc.fingerprint)) {
      // still looping: no resolution, whatever the quiet rule says
      const g = loops.find((l) => l.fingerprint === inc.fingerprint)!;
      if (now.getTime() - g.lastAt < cfg.quietMs) continue;
    }
    const last = await prisma.crashEvent.aggregate({ where: { endpointId, fingerprint: inc.fingerprint }, _max: { at: true } });
    const lastAt = last._max.at?.getTime() ?? 0;
    const quiet = now.getTime() - lastAt;
    const recovered = facts.lastCompletedAt !== null && facts.lastCompletedAt.getTime() > lastAt && quiet >= cfg.recoveredQuietMs;
    if (quiet < cfg.quietMs && !recovered) {
      out.openByFingerprint.set(inc.fingerprint, inc.id);
      continue;
    }
    const done = await prisma.$transaction(async (tx) => {
      const upd = await tx.incident.updateMany({ where: { id: inc.id, state: { in: ["open", "acknowledged"] } }, data: { state: "resolved", resolvedAt: now, resolvedBy: null, resolution: "auto" } });
      if (!upd.count) return false;
      await tx.incidentEvent.create({
        data: { incidentId: inc.id, kind: "resolved", actor: null, at: now, detail: { auto: true, reason: recovered ? "a job completed after the last crash" : `no crash for ${Math.round(cfg.quietMs / 60_000)} min` } },
      });
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
