import type { PrismaClient } from "@/lib/generated/prisma/client";
import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/data/audit";
import type { RunpodClient } from "@/lib/runpod/client";

/**
 * Service. "Set max workers to 0" and "restore": each sends exactly one PATCH /v2/serverless/{id}. The
 * intent row (app_settings `damage.maxWorkers.<endpoint>`) is claimed in a transaction before the
 * call, so two clicks, two tabs or two app instances cannot both send; the previous max is kept in
 * it until the restore has gone through.
 */

export interface MaxWorkersStateDto {
  endpointId: string;
  /** "zeroing"/"restoring": a request is under way or was cut off (then the next action reconciles). */
  state: "normal" | "zeroing" | "zeroed" | "restoring";
  previousMax: number | null;
  changedAt: string | null;
  changedBy: string | null;
}

interface Intent {
  state: "zeroing" | "zeroed" | "restoring";
  previousMax: number;
  at: string;
  by: string;
  incidentId: string | null;
}

const keyOf = (endpointId: string) => `damage.maxWorkers.${endpointId}`;

function toDto(endpointId: string, intent: Intent | null): MaxWorkersStateDto {
  if (!intent) return { endpointId, state: "normal", previousMax: null, changedAt: null, changedBy: null };
  return { endpointId, state: intent.state, previousMax: intent.previousMax, changedAt: intent.at, changedBy: intent.by };
}

export async function getMaxWorkersState(input: { endpointId: string }, ctx: Ctx<unknown>): Promise<MaxWorkersStateDto> {
  const { endpointId } = input;
  const prisma = ctx.db;
  await requireEndpoint(prisma, endpointId);
  const row = await prisma.appSetting.findUnique({ where: { key: keyOf(endpointId) } });
  return toDto(endpointId, (row?.value as Intent | undefined) ?? null);
}

async function requireEndpoint(prisma: PrismaClient, endpointId: string) {
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, workersMax: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${endpointId.slice(0, 128)} is not known to sweepwatch.`);
  return ep;
}

export async function zeroMaxWorkers(input: { endpointId: string; incidentId?: string | null }, ctx: Ctx<Pick<RunpodClient, "getEndpoint" | "updateEndpointWorkers">>): Promise<MaxWorkersStateDto> {
  const actor = actorOf(ctx);
  const client = ctx.runpod();
  const prisma = ctx.db;
  const now = ctx.now();
  await requireEndpoint(prisma, input.endpointId);
  const key = keyOf(input.endpointId);
  const existing = await prisma.appSetting.findUnique({ where: { key } });
  if (existing) {
    const cur = existing.value as unknown as Intent;
    throw new AppError("conflict", `Max workers of ${input.endpointId} is already ${cur.state === "zeroed" ? "0" : cur.state} (since ${cur.at}, by ${cur.by}); nothing was sent.`);
  }
  // The previous value comes from RunPod itself, read just before the change.
  const live = await client.getEndpoint(input.endpointId);
  const previousMax = live.workers?.max;
  if (typeof previousMax !== "number") throw new AppError("unavailable", `RunPod did not report the current max workers of ${input.endpointId}; nothing was sent.`);
  if (previousMax === 0) throw new AppError("conflict", `Max workers of ${input.endpointId} is already 0 on RunPod; nothing was sent.`);
  const intent: Intent = { state: "zeroing", previousMax, at: now.toISOString(), by: actor.name, incidentId: input.incidentId ?? null };
  const claimed = await prisma.appSetting.createMany({ data: [{ key, value: intent as object }], skipDuplicates: true });
  if (claimed.count === 0) throw new AppError("conflict", `Another request is already changing max workers of ${input.endpointId}; nothing was sent.`);
  try {
    await client.updateEndpointWorkers(input.endpointId, { max: 0 });
  } catch (err) {
    await prisma.appSetting.delete({ where: { key } });
    await recordAudit({ action: "endpoint.max_workers.zero_failed", targetType: "endpoint", targetId: input.endpointId, detail: { previousMax, incidentId: input.incidentId ?? null, error: err instanceof Error ? err.message : String(err) } }, ctx);
    throw new AppError("unavailable", `RunPod refused to set max workers of ${input.endpointId} to 0: ${err instanceof Error ? err.message : "unknown error"}`, { cause: err });
  }
  const done: Intent = { ...intent, state: "zeroed" };
  await prisma.$transaction(async (tx) => {
    await tx.appSetting.update({ where: { key }, data: { value: done as object } });
    await tx.endpoint.update({ where: { id: input.endpointId }, data: { workersMax: 0 } });
    await recordAudit({ action: "endpoint.max_workers.zero", targetType: "endpoint", targetId: input.endpointId, detail: { previousMax, incidentId: input.incidentId ?? null } }, ctx, tx);
  });
  return toDto(input.endpointId, done);
}

export async function restoreMaxWorkers(input: { endpointId: string; incidentId?: string | null }, ctx: Ctx<Pick<RunpodClient, "updateEndpointWorkers">>): Promise<MaxWorkersStateDto> {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const client = ctx.runpod();
  const prisma = ctx.db;
  await requireEndpoint(prisma, input.endpointId);
  const key = keyOf(input.endpointId);
  // Claim: only the request that moves zeroed -> restoring sends the PATCH.
  const claimed = await prisma.$executeRaw`UPDATE app_settings SET value = jsonb_set(value, '{state}', '"restoring"'), "updatedAt" = now() WHERE key = ${key} AND value->>'state' = 'zeroed'`;
  if (claimed === 0) {
    const cur = await getMaxWorkersState({ endpointId: input.endpointId }, ctx);
    throw new AppError("conflict", cur.state === "normal" ? `sweepwatch did not set max workers of ${input.endpointId} to 0, so there is nothing to restore; nothing was sent.` : `Max workers of ${input.endpointId} is ${cur.state}; nothing was sent.`);
  }
  const row = await prisma.appSetting.findUniqueOrThrow({ where: { key } });
  const intent = row.value as unknown as Intent;
  try {
    await client.updateEndpointWorkers(input.endpointId, { max: intent.previousMax });
  } catch (err) {
    await prisma.appSetting.update({ where: { key }, data: { value: { ...intent, state: "zeroed" } as object } });
    await recordAudit({ action: "endpoint.max_workers.restore_failed", targetType: "endpoint", targetId: input.endpointId, detail: { restoreTo: intent.previousMax, error: err instanceof Error ? err.message : String(err) } }, ctx);
    throw new AppError("unavailable", `RunPod refused to restore max workers of ${input.endpointId}: ${err instanceof Error ? err.message : "unknown error"}`, { cause: err });
  }
  await prisma.$transaction(async (tx) => {
    await tx.appSetting.delete({ where: { key } });
    await tx.endpoint.update({ where: { id: input.endpointId }, data: { workersMax: intent.previousMax } });
    await recordAudit({ action: "endpoint.max_workers.restore", targetType: "endpoint", targetId: input.endpointId, detail: { restoredTo: intent.previousMax, zeroedAt: intent.at, zeroedBy: intent.by, incidentId: input.incidentId ?? intent.incidentId } }, ctx, tx);
  });
  return toDto(input.endpointId, null);
}
