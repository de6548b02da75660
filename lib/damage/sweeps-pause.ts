import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/data/audit";
import type { RunpodClient } from "@/lib/runpod/client";
import { RunpodError } from "@/lib/runpod/errors";
import { SWEEP_ACTIONS_FROM } from "@/lib/domain/sweep/states";

/** stateReason prefix of sweeps paused by the per-endpoint policy: only those are resumed by it. */
export const POLICY_PAUSE_PREFIX = "paused by policy:";

export interface PausedSweepsDto {
  endpointId: string;
  paused: { id: string; name: string; from: string; keptQueued: number; cancelledQueued: number }[];
}

/**
 * Service. Pauses every pending/running sweep that targets the endpoint (no new trials). Queued trials whose
 * job has not started are kept, or cancelled on RunPod when the user chose "cancel" — the only
 * call this sends. Each sweep is changed under its row lock, like controlSweep.
 */
export async function pauseSweepsForEndpoint(
  input: { endpointId: string; queuedTrials: "keep" | "cancel"; reason: string; incidentId?: string | null; skipSweepIds?: readonly string[] },
  ctx: Ctx<Pick<RunpodClient, "cancel">>,
): Promise<PausedSweepsDto> {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const prisma = ctx.db;
  const now = ctx.now();
  // made before anything changes: without a usable client nothing is paused
  const client = input.queuedTrials === "cancel" ? ctx.runpod() : null;
  const ep = await prisma.endpoint.findUnique({ where: { id: input.endpointId }, select: { id: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${input.endpointId.slice(0, 128)} is not known to sweepwatch.`);
  const out: PausedSweepsDto = { endpointId: input.endpointId, paused: [] };
  const skip = input.skipSweepIds?.length ? { id: { notIn: [...input.skipSweepIds] } } : {};
  const sweeps = await prisma.sweep.findMany({ where: { endpointId: input.endpointId, state: { in: [...SWEEP_ACTIONS_FROM.pause] }, ...skip }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } });
  for (const s of sweeps) {
    const changed = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ state: string }[]>`SELECT state::text AS state FROM sweeps WHERE id = ${s.id} FOR UPDATE`;
      const from = rows[0]?.state;
      if (!from || !(SWEEP_ACTIONS_FROM.pause as readonly string[]).includes(from)) return null;
      await tx.sweep.update({ where: { id: s.id }, data: { state: "paused", stateReason: input.reason.slice(0, 2_000) } });
      const queued = await tx.trial.count({ where: { sweepId: s.id, status: "queued" } });
      await recordAudit({ action: "sweep.pause", targetType: "sweep", targetId: s.id, detail: { from, endpointId: input.endpointId, incidentId: input.incidentId ?? null, queuedTrials: input.queuedTrials, reason: input.reason } }, ctx, tx);
      return { from, queued };
    });
    if (!changed) continue;
    let cancelled = 0;
    if (client) {
      const trials = await prisma.trial.findMany({ where: { sweepId: s.id, status: "queued", jobId: { not: null } }, select: { id: true, jobId: true } });
      for (const t of trials) {
        try {
          await client.cancel(input.endpointId, t.jobId!);
        } catch (err) {
          if (!(err instanceof RunpodError && err.kind === "not_found")) continue;
        }
        const r = await prisma.trial.updateMany({ where: { id: t.id, status: "queued" }, data: { status: "cancelled", error: "cancelled while queued: the sweep was paused from an incident", finishedAt: now } });
        cancelled += r.count;
      }
    }
    out.paused.push({ id: s.id, name: s.name, from: changed.from, keptQueued: changed.queued - cancelled, cancelledQueued: cancelled });
  }
  return out;
}
