import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import type { Principal } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/data/audit";
import { POLICY_PAUSE_PREFIX, pauseSweepsForEndpoint } from "@/lib/damage/sweeps-pause";

/**
 * Per-endpoint damage policy. autoPauseSweeps is ON unless turned off: sweeps never keep
 * submitting into a crash-looping endpoint by default. Pausing sends nothing to RunPod (queued
 * trials are kept), and sweeps paused by the policy are resumed when the incident resolves.
 */
export interface DamagePolicyDto {
  endpointId: string;
  autoPauseSweeps: boolean;
  origin: "default" | "set";
  updatedAt: string | null;
}

const keyOf = (endpointId: string) => `damage.policy.${endpointId}`;
const SYSTEM: Principal = { kind: "system", id: null, name: "sweepwatch policy", role: null };

export async function getDamagePolicy(endpointId: string, deps: { prisma?: PrismaClient } = {}): Promise<DamagePolicyDto> {
  const prisma = deps.prisma ?? getPrisma();
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${endpointId.slice(0, 128)} is not known to sweepwatch.`);
  const row = await prisma.appSetting.findUnique({ where: { key: keyOf(endpointId) } });
  const v = row?.value as { autoPauseSweeps?: unknown } | undefined;
  if (!row || typeof v?.autoPauseSweeps !== "boolean") return { endpointId, autoPauseSweeps: true, origin: "default", updatedAt: null };
  return { endpointId, autoPauseSweeps: v.autoPauseSweeps, origin: "set", updatedAt: row.updatedAt.toISOString() };
}

export async function setDamagePolicy(input: { endpointId: string; autoPauseSweeps: boolean; actor: Principal }, deps: { prisma?: PrismaClient } = {}): Promise<DamagePolicyDto> {
  const prisma = deps.prisma ?? getPrisma();
  await getDamagePolicy(input.endpointId, deps);
  const key = keyOf(input.endpointId);
  const value = { autoPauseSweeps: input.autoPauseSweeps };
  await prisma.$transaction(async (tx) => {
    await tx.appSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
    await recordAudit({ actor: input.actor, action: "endpoint.damage_policy.update", targetType: "endpoint", targetId: input.endpointId, detail: value }, tx);
  });
  return getDamagePolicy(input.endpointId, deps);
}

/** One policy pass over the given endpoints: pause on a confirmed crash loop, resume once resolved. */
export async function applyDamagePolicy(endpointIds: string[], deps: { prisma: PrismaClient; now: Date }): Promise<{ paused: string[]; resumed: string[] }> {
  const out = { paused: [] as string[], resumed: [] as string[] };
  for (const endpointId of endpointIds) {
    const policy = await getDamagePolicy(endpointId, deps).catch(() => null);
    if (!policy?.autoPauseSweeps) continue;
    const open = await deps.prisma.incident.findFirst({ where: { endpointId, state: { in: ["open", "acknowledged"] } }, orderBy: { openedAt: "desc" }, select: { id: true, title: true } });
    if (open) {
      // A person who resumed a sweep after the policy paused it for this incident has overruled the
      // policy for that sweep until the incident ends (audit ids order the two; the audit clock is the database's).
      const policyPauses = await deps.prisma.auditLog.findMany({
        where: { action: "sweep.pause", actorKind: "system", targetType: "sweep", detail: { path: ["incidentId"], equals: open.id.toString() } },
        select: { id: true, targetId: true },
      });
      // the policy's first pause of each sweep for this incident: a person's resume after it overrules
      const pausedAt = new Map<string, bigint>();
      for (const p of policyPauses) {
        if (!p.targetId) continue;
        const first = pausedAt.get(p.targetId);
        if (first === undefined || p.id < first) pausedAt.set(p.targetId, p.id);
      }
      const resumes = pausedAt.size
        ? await deps.prisma.auditLog.findMany({ where: { action: "sweep.resume", targetType: "sweep", targetId: { in: [...pausedAt.keys()] }, actorKind: { not: "system" } }, select: { id: true, targetId: true } })
        : [];
      const overruled = [...new Set(resumes.filter((r) => r.targetId && r.id > pausedAt.get(r.targetId)!).map((r) => r.targetId!))];
      const r = await pauseSweepsForEndpoint(
        { endpointId, actor: SYSTEM, queuedTrials: "keep", incidentId: open.id.toString(), skipSweepIds: overruled, reason: `${POLICY_PAUSE_PREFIX} endpoint ${endpointId} is crash-looping (incident #${open.id}: ${open.title}); queued trials kept; resumes when the incident resolves` },
        { prisma: deps.prisma, now: () => deps.now },
      );
      out.paused.push(...r.paused.map((s) => s.id));
      continue;
    }
    const held = await deps.prisma.sweep.findMany({ where: { endpointId, state: "paused", stateReason: { startsWith: POLICY_PAUSE_PREFIX } }, select: { id: true } });
    for (const s of held) {
      const r = await deps.prisma.$transaction(async (tx) => {
        const n = await tx.sweep.updateMany({ where: { id: s.id, state: "paused", stateReason: { startsWith: POLICY_PAUSE_PREFIX } }, data: { state: "running", stateReason: `resumed by policy: the crash loop on ${endpointId} resolved` } });
        if (n.count) await recordAudit({ actor: SYSTEM, action: "sweep.resume", targetType: "sweep", targetId: s.id, detail: { endpointId, reason: "incident resolved" } }, tx);
        return n.count;
      });
      if (r) out.resumed.push(s.id);
    }
  }
  return out;
}
