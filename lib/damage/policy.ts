import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import type { Principal } from "@/lib/auth/principal";
import { recordAudit } from "@/lib/data/audit";
import { POLICY_PAUSE_PREFIX, pauseSweepsForEndpoint } from "@/lib/damage/sweeps-pause";

/**
 * Service. Per-endpoint damage policy. autoPauseSweeps is ON unless turned off: sweeps never keep
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
const sendsNothing = (): never => {
  throw new Error("the damage policy keeps queued trials: it sends nothing to RunPod");
};

export async function getDamagePolicy(input: { endpointId: string }, ctx: Ctx<unknown>): Promise<DamagePolicyDto> {
  const { endpointId } = input;
  const prisma = ctx.db;
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${endpointId.slice(0, 128)} is not known to sweepwatch.`);
  const row = await prisma.appSetting.findUnique({ where: { key: keyOf(endpointId) } });
  const v = row?.value as { autoPauseSweeps?: unknown } | undefined;
  if (!row || typeof v?.autoPauseSweeps !== "boolean") return { endpointId, autoPauseSweeps: true, origin: "default", updatedAt: null };
  return { endpointId, autoPauseSweeps: v.autoPauseSweeps, origin: "set", updatedAt: row.updatedAt.toISOString() };
}

export async function setDamagePolicy(input: { endpointId: string; autoPauseSweeps: boolean }, ctx: Ctx<unknown>): Promise<DamagePolicyDto> {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const prisma = ctx.db;
  await getDamagePolicy({ endpointId: input.endpointId }, ctx);
  const key = keyOf(input.endpointId);
  const value = { autoPauseSweeps: input.autoPauseSweeps };
  await prisma.$transaction(async (tx) => {
    await tx.appSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
    await recordAudit({ action: "endpoint.damage_policy.update", targetType: "endpoint", targetId: input.endpointId, detail: value }, ctx, tx);
  });
  return getDamagePolicy({ endpointId: input.endpointId }, ctx);
}

/**
 * One policy pass over the given endpoints: pause on a confirmed crash loop, resume once resolved.
 * The policy is the actor of what it changes, whoever runs the pass.
 */
export async function applyDamagePolicy(input: { endpointIds: string[] }, ctx: Ctx<unknown>): Promise<{ paused: string[]; resumed: string[] }> {
  const out = { paused: [] as string[], resumed: [] as string[] };
  const prisma = ctx.db;
  const now = ctx.now();
  for (const endpointId of input.endpointIds) {
    const policy = await getDamagePolicy({ endpointId }, ctx).catch(() => null);
    if (!policy?.autoPauseSweeps) continue;
    const open = await prisma.incident.findFirst({ where: { endpointId, state: { in: ["open", "acknowledged"] } }, orderBy: { openedAt: "desc" }, select: { id: true, title: true } });
    if (open) {
      // A person who resumed a sweep after the policy paused it for this incident has overruled the
      // policy for that sweep until the incident ends (audit ids order the two; the audit clock is the database's).
      const policyPauses = await prisma.auditLog.findMany({
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
        ? await prisma.auditLog.findMany({ where: { action: "sweep.resume", targetType: "sweep", targetId: { in: [...pausedAt.keys()] }, actorKind: { not: "system" } }, select: { id: true, targetId: true } })
        : [];
      const overruled = [...new Set(resumes.filter((r) => r.targetId && r.id > pausedAt.get(r.targetId)!).map((r) => r.targetId!))];
      const r = await pauseSweepsForEndpoint(
        { endpointId, queuedTrials: "keep", incidentId: open.id.toString(), skipSweepIds: overruled, reason: `${POLICY_PAUSE_PREFIX} endpoint ${endpointId} is crash-looping (incident #${open.id}: ${open.title}); queued trials kept; resumes when the incident resolves` },
        { db: prisma, now: () => now, principal: SYSTEM, runpod: sendsNothing },
      );
      out.paused.push(...r.paused.map((s) => s.id));
      continue;
    }
    const held = await prisma.sweep.findMany({ where: { endpointId, state: "paused", stateReason: { startsWith: POLICY_PAUSE_PREFIX } }, select: { id: true } });
    for (const s of held) {
      const r = await prisma.$transaction(async (tx) => {
        const n = await tx.sweep.updateMany({ where: { id: s.id, state: "paused", stateReason: { startsWith: POLICY_PAUSE_PREFIX } }, data: { state: "running", stateReason: `resumed by policy: the crash loop on ${endpointId} resolved` } });
        if (n.count) await recordAudit({ action: "sweep.resume", targetType: "sweep", targetId: s.id, detail: { endpointId, reason: "incident resolved" } }, { db: prisma, now: () => now, principal: SYSTEM, runpod: sendsNothing }, tx);
        return n.count;
      });
      if (r) out.resumed.push(s.id);
    }
  }
  return out;
}
