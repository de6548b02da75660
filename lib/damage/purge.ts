import { isRanOrRunningJobStatus } from "@/lib/domain/job/status";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/data/audit";
import { submitJob } from "@/lib/jobs/service";
import type { RunpodClient } from "@/lib/runpod/client";

/**
 * Service. Purge an endpoint's queue without losing the work, then resubmit each purged job exactly once.
 *
 * The purge records the ids and inputs of the IN_QUEUE jobs sweepwatch tracks BEFORE it calls
 * /purge-queue. RunPod's answer only counts what it removed: jobs queued by others, or in between,
 * are removed too and cannot be resubmitted (the confirmation says so).
 *
 * Resubmission follows the sweep controller's rule: for one purged job at a time, its intent
 * (resubmitIntentAt) is committed under a row lock, then /run is called once, then the new job id
 * is stored. A job whose intent exists without a new id (the process died, or /run failed or was
 * ambiguous) is never sent again: it is listed as "outcome unknown" for a person to check.
 */
export const RESUBMIT_MARKER = "_sweepwatch_resubmit";

export interface PurgeDto {
  id: string;
  endpointId: string;
  incidentId: string | null;
  requestedBy: string;
  requestedAt: string;
  removed: number | null;
  resubmitRequestedAt: string | null;
  resubmitRequestedBy: string | null;
  jobs: { jobId: string; state: "kept" | "resubmitted" | "outcome_unknown" | "failed" | "pending"; newJobId: string | null; error: string | null }[];
}

const purgeInclude = { jobs: { orderBy: { jobId: "asc" as const } } } as const;
type PurgeRow = Prisma.QueuePurgeGetPayload<{ include: typeof purgeInclude }>;

function toDto(p: PurgeRow): PurgeDto {
  return {
    id: p.id.toString(),
    endpointId: p.endpointId,
    incidentId: p.incidentId?.toString() ?? null,
    requestedBy: p.requestedBy,
    requestedAt: p.requestedAt.toISOString(),
    removed: p.removed,
    resubmitRequestedAt: p.resubmitRequestedAt?.toISOString() ?? null,
    resubmitRequestedBy: p.resubmitRequestedBy,
    jobs: p.jobs.map((j) => ({
      jobId: j.jobId,
      newJobId: j.newJobId,
      error: j.resubmitError,
      state: j.newJobId ? "resubmitted" : j.resubmitError ? "failed" : j.resubmitIntentAt ? (p.resubmitRequestedAt ? "outcome_unknown" : "pending") : p.resubmitRequestedAt ? "pending" : "kept",
    })),
  };
}

function parseId(id: string): bigint {
  if (!/^\d{1,19}$/.test(id)) throw new AppError("not_found", `Purge ${id.slice(0, 40)} does not exist.`);
  return BigInt(id);
}

export async function getPurge(input: { id: string }, ctx: Ctx<unknown>): Promise<PurgeDto> {
  return readPurge(ctx.db, input.id);
}

async function readPurge(prisma: PrismaClient, id: string): Promise<PurgeDto> {
  const p = await prisma.queuePurge.findUnique({ where: { id: parseId(id) }, include: purgeInclude });
  if (!p) throw new AppError("not_found", `Purge ${id} does not exist.`);
  return toDto(p);
}

export async function listPurges(input: { endpointId: string }, ctx: Ctx<unknown>): Promise<PurgeDto[]> {
  const rows = await ctx.db.queuePurge.findMany({ where: { endpointId: input.endpointId }, include: purgeInclude, orderBy: { id: "desc" }, take: 20 });
  return rows.map(toDto);
}

export async function purgeEndpointQueue(input: { endpointId: string; incidentId?: string | null }, ctx: Ctx<Pick<RunpodClient, "purgeQueue">>): Promise<PurgeDto> {
  const actor = actorOf(ctx);
  const client = ctx.runpod();
  const prisma = ctx.db;
  const now = ctx.now();
  const ep = await prisma.endpoint.findUnique({ where: { id: input.endpointId }, select: { id: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${input.endpointId.slice(0, 128)} is not known to sweepwatch.`);
  const purge = await prisma.$transaction(async (tx) => {
    const queued = await tx.job.findMany({ where: { endpointId: input.endpointId, status: "IN_QUEUE" }, select: { id: true, input: true }, orderBy: { id: "asc" } });
    return tx.queuePurge.create({
      data: {
        endpointId: input.endpointId,
        incidentId: input.incidentId ? BigInt(input.incidentId) : null,
        requestedBy: actor.name.slice(0, 255),
        requestedAt: now,
        jobs: { create: queued.map((j) => ({ jobId: j.id, input: (j.input ?? undefined) as Prisma.InputJsonValue | undefined })) },
      },
    });
  });
  let removed: number;
  try {
    const res = await client.purgeQueue(input.endpointId);
    removed = typeof res.removed === "number" ? res.removed : 0;
  } catch (err) {
    await prisma.queuePurge.delete({ where: { id: purge.id } });
    await recordAudit({ action: "endpoint.purge_queue_failed", targetType: "endpoint", targetId: input.endpointId, detail: { error: err instanceof Error ? err.message : String(err) } }, ctx);
    throw new AppError("unavailable", `RunPod did not purge the queue of ${input.endpointId}: ${err instanceof Error ? err.message : "unknown error"}. Nothing was recorded as purged.`, { cause: err });
  }
  await prisma.$transaction(async (tx) => {
    await tx.queuePurge.update({ where: { id: purge.id }, data: { removed } });
    const kept = await tx.purgedJob.count({ where: { purgeId: purge.id } });
    await recordAudit({ action: "endpoint.purge_queue", targetType: "endpoint", targetId: input.endpointId, detail: { purgeId: purge.id.toString(), removed, keptForResubmit: kept, incidentId: input.incidentId ?? null } }, ctx, tx);
  });
  return readPurge(prisma, purge.id.toString());
}

/** Marks the purge for resubmission (once) and submits what it can now; the poller finishes the rest. */
export async function requestResubmit(input: { purgeId: string }, ctx: Ctx<Pick<RunpodClient, "run">>): Promise<PurgeDto> {
  const actor = actorOf(ctx);
  ctx.runpod(); // fails before anything is marked when this process has no RunPod client
  const prisma = ctx.db;
  const now = ctx.now();
  const id = parseId(input.purgeId);
  const p = await prisma.queuePurge.findUnique({ where: { id }, select: { id: true, removed: true, endpointId: true } });
  if (!p) throw new AppError("not_found", `Purge ${input.purgeId} does not exist.`);
  if (p.removed === null) throw new AppError("conflict", `Purge ${input.purgeId} has not completed; nothing was submitted.`);
  const marked = await prisma.$transaction(async (tx) => {
    const r = await tx.queuePurge.updateMany({ where: { id, resubmitRequestedAt: null }, data: { resubmitRequestedAt: now, resubmitRequestedBy: actor.name.slice(0, 255) } });
    if (r.count === 1) {
      const n = await tx.purgedJob.count({ where: { purgeId: id } });
      await recordAudit({ action: "endpoint.resubmit_purged", targetType: "endpoint", targetId: p.endpointId, detail: { purgeId: input.purgeId, jobs: n } }, ctx, tx);
    }
    return r.count === 1;
  });
  if (!marked) throw new AppError("conflict", `The jobs of purge ${input.purgeId} were already resubmitted; nothing was sent again.`);
  await processResubmits({ purgeId: input.purgeId }, ctx);
  await settleInFlight(prisma, id);
  return readPurge(prisma, input.purgeId);
}

/**
 * The poller's resubmit module may have claimed some of this purge's jobs between the mark and our own
 * pass; waits (up to IN_FLIGHT_WAIT_MS of wall time) until each claimed job has its outcome, so the answer
 * says what happened instead of "16 of 17" while the 17th is still on its way. A claim a killed process left
 * behind never settles: after the wait the answer shows it as still in flight.
 */
const IN_FLIGHT_WAIT_MS = 15_000;
async function settleInFlight(prisma: PrismaClient, purgeId: bigint): Promise<void> {
  const until = Date.now() + IN_FLIGHT_WAIT_MS;
  while (Date.now() < until) {
    const inFlight = await prisma.purgedJob.count({ where: { purgeId, resubmitIntentAt: { not: null }, newJobId: null, resubmitError: null } });
    if (inFlight === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Submits the purge's not-yet-claimed jobs, one claim + one /run each. Safe to run from many processes. */
export async function processResubmits(input: { purgeId: string; max?: number }, ctx: Ctx<Pick<RunpodClient, "run">>): Promise<{ submitted: number; failed: number }> {
  const { purgeId } = input;
  const prisma = ctx.db;
  const nowFn = ctx.now;
  ctx.runpod(); // no client in this process: fail before claiming any job
  const id = parseId(purgeId);
  const p = await prisma.queuePurge.findUnique({ where: { id }, select: { endpointId: true, resubmitRequestedAt: true } });
  if (!p?.resubmitRequestedAt) return { submitted: 0, failed: 0 };
  let submitted = 0;
  let failed = 0;
  for (let i = 0; i < (input.max ?? 10_000); i++) {
    const now = nowFn();
    const claimed = await prisma.$queryRaw<{ jobId: string; input: unknown }[]>`
      UPDATE purged_jobs SET "resubmitIntentAt" = ${now}
      WHERE "purgeId" = ${id} AND "jobId" = (
        SELECT "jobId" FROM purged_jobs WHERE "purgeId" = ${id} AND "resubmitIntentAt" IS NULL ORDER BY "jobId" LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING "jobId", input`;
    if (claimed.length === 0) break;
    const { jobId, input } = claimed[0];
    const base = input && typeof input === "object" && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : {};
    // the trial marker would make the sweep reconciler link the copy to a trial that already has a job
    delete base._sweepwatch;
    const original = await prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
    if (original && isRanOrRunningJobStatus(original.status)) {
      // a worker took it before the purge reached RunPod: running it again would duplicate work
      await prisma.purgedJob.update({ where: { purgeId_jobId: { purgeId: id, jobId } }, data: { resubmitError: `not resubmitted: the original job is ${original.status}` } });
      failed++;
      continue;
    }
    try {
      const job = await submitJob({ endpointId: p.endpointId, input: { ...base, [RESUBMIT_MARKER]: { purgeId, jobId } } }, ctx);
      await prisma.purgedJob.update({ where: { purgeId_jobId: { purgeId: id, jobId } }, data: { newJobId: job.id } });
      submitted++;
    } catch (err) {
      await prisma.purgedJob.update({ where: { purgeId_jobId: { purgeId: id, jobId } }, data: { resubmitError: (err instanceof Error ? err.message : String(err)).slice(0, 2_000) } });
      failed++;
    }
  }
  return { submitted, failed };
}

