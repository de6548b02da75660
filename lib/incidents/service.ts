import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/data/audit";
import type { DetectionSettingsDto, IncidentDetailDto } from "@/lib/api/specs/incidents";
import { DEFAULT_DETECTION_CONFIG, DETECTION_SETTINGS_KEY, DetectionConfigSchema } from "@/lib/incidents/detection/config";
import { enqueueIncidentNotification, incidentMessage } from "@/lib/incidents/detection/incidents";
import { getIncident, parseIncidentId, readDetectionSettings } from "@/lib/incidents/repository";

/** Service of incidents: the changes people make (acknowledge, resolve, notes, detection thresholds), with their rules and audit. */

async function mustGet(ctx: Ctx, id: string): Promise<IncidentDetailDto> {
  const d = await getIncident({ id }, ctx);
  if (!d) throw new AppError("not_found", `Incident ${id} does not exist.`);
  return d;
}

/** open → acknowledged, recording who. Acknowledging twice is a no-op; a resolved incident answers 409. */
export async function acknowledgeIncident(input: { id: string }, ctx: Ctx): Promise<IncidentDetailDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const actor = actorOf(ctx);
  const id = parseIncidentId(input.id);
  const cur = await prisma.incident.findUnique({ where: { id }, select: { state: true } });
  if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
  if (cur.state === "resolved") throw new AppError("conflict", "This incident is resolved; there is nothing to acknowledge.");
  if (cur.state === "open") {
    await prisma.$transaction(async (tx) => {
      const u = await tx.incident.updateMany({ where: { id, state: "open" }, data: { state: "acknowledged", acknowledgedAt: now, acknowledgedBy: actor.name.slice(0, 255) } });
      if (!u.count) return;
      await tx.incidentEvent.create({ data: { incidentId: id, kind: "acknowledged", actor: actor.name.slice(0, 255), at: now } });
      await recordAudit({ action: "incident.acknowledge", targetType: "incident", targetId: input.id }, ctx, tx);
    });
  }
  return mustGet(ctx, input.id);
}

/** open/acknowledged → resolved by hand (notifies once). A resolved incident answers 409. */
export async function resolveIncident(input: { id: string; comment?: string; baseUrl?: string | null }, ctx: Ctx): Promise<IncidentDetailDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const actor = actorOf(ctx);
  const id = parseIncidentId(input.id);
  const cur = await prisma.incident.findUnique({ where: { id }, select: { state: true, regressionCount: true, title: true, signature: true, endpointId: true, crashGroupId: true, endpoint: { select: { name: true, displayName: true } } } });
  if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
  if (cur.state === "resolved") throw new AppError("conflict", "This incident is already resolved.");
  const who = actor.name.slice(0, 255);
  await prisma.$transaction(async (tx) => {
    const u = await tx.incident.updateMany({ where: { id, state: { in: ["open", "acknowledged"] } }, data: { state: "resolved", resolvedAt: now, resolvedBy: who, resolution: "manual" } });
    if (!u.count) throw new AppError("conflict", "This incident was resolved meanwhile.");
    await tx.incidentEvent.create({ data: { incidentId: id, kind: "resolved", actor: who, at: now, detail: input.comment ? { comment: input.comment } : undefined } });
    if (cur.crashGroupId) await tx.crashGroup.update({ where: { id: cur.crashGroupId }, data: { state: "resolved", stateChangedAt: now } });
    await enqueueIncidentNotification(tx, {
      incidentId: id,
      kind: "resolved",
      regressionCount: cur.regressionCount,
      now,
      payload: incidentMessage({ id, endpointId: cur.endpointId, endpointName: cur.endpoint.displayName ?? cur.endpoint.name, title: cur.title, signature: cur.signature, kind: "resolved", regressionCount: cur.regressionCount, actor: who, baseUrl: input.baseUrl }),
    });
    await recordAudit({ action: "incident.resolve", targetType: "incident", targetId: input.id, detail: input.comment ? { comment: input.comment.slice(0, 200) } : null }, ctx, tx);
  });
  return mustGet(ctx, input.id);
}

/** Replaces the notes when `notesVersion` is the stored one (then +1); otherwise 409 naming who changed them. */
export async function updateIncidentNotes(input: { id: string; notes: string; notesVersion: number }, ctx: Ctx): Promise<IncidentDetailDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const actor = actorOf(ctx);
  const id = parseIncidentId(input.id);
  const who = actor.name.slice(0, 255);
  await prisma.$transaction(async (tx) => {
    const u = await tx.incident.updateMany({
      where: { id, notesVersion: input.notesVersion },
      data: { notes: input.notes, notesVersion: { increment: 1 }, notesUpdatedAt: now, notesUpdatedBy: who },
    });
    if (!u.count) {
      const cur = await tx.incident.findUnique({ where: { id }, select: { notesVersion: true, notesUpdatedBy: true, notesUpdatedAt: true } });
      if (!cur) throw new AppError("not_found", `Incident ${input.id} does not exist.`);
      throw new AppError(
        "conflict",
        `The notes were changed${cur.notesUpdatedBy ? ` by ${cur.notesUpdatedBy}` : ""}${cur.notesUpdatedAt ? ` at ${cur.notesUpdatedAt.toISOString()}` : ""} (version ${cur.notesVersion}, yours is based on ${input.notesVersion}). Reload the notes, then apply your change again.`,
      );
    }
    await tx.incidentEvent.create({ data: { incidentId: id, kind: "note", actor: who, at: now, detail: { notesVersion: input.notesVersion + 1 } } });
    await recordAudit({ action: "incident.notes", targetType: "incident", targetId: input.id, detail: { notesVersion: input.notesVersion + 1 } }, ctx, tx);
  });
  return mustGet(ctx, input.id);
}

/** Sets (or with null resets) detection thresholds; unknown keys and invalid values are 422 naming the field, nothing changes. */
export async function updateDetectionSettings(input: { changes: Record<string, number | null> }, ctx: Ctx): Promise<DetectionSettingsDto> {
  const prisma = ctx.db;
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const known = Object.keys(DEFAULT_DETECTION_CONFIG);
  const unknownKeys = Object.keys(input.changes).filter((k) => !known.includes(k));
  if (unknownKeys.length) throw new AppError("validation_failed", "Unknown detection setting.", { issues: unknownKeys.map((k) => ({ path: `body.${k}`, message: `unknown; known: ${known.join(", ")}` })) });
  const row = await prisma.appSetting.findUnique({ where: { key: DETECTION_SETTINGS_KEY }, select: { value: true } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? { ...(row.value as Record<string, number>) } : {};
  for (const [k, v] of Object.entries(input.changes)) {
    if (v === null) delete stored[k];
    else stored[k] = v;
  }
  const parsed = DetectionConfigSchema.safeParse(stored);
  if (!parsed.success) throw new AppError("validation_failed", "Invalid detection settings.", { issues: parsed.error.issues.map((i) => ({ path: `body.${i.path.join(".")}`, message: i.message })) });
  await prisma.appSetting.upsert({ where: { key: DETECTION_SETTINGS_KEY }, create: { key: DETECTION_SETTINGS_KEY, value: stored }, update: { value: stored } });
  await recordAudit({ action: "detection.settings", targetType: "setting", targetId: DETECTION_SETTINGS_KEY, detail: { changes: input.changes } }, ctx);
  return readDetectionSettings(prisma);
}
