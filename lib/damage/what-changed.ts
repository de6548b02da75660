import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";

/**
 * Service. "What changed" between the last worker that completed a job and the first worker of a crash
 * group. Endpoint settings come from snapshots taken whenever the recorded management-API
 * description changes; env variables are reduced to their NAMES before anything is stored.
 */
type Db = PrismaClient;

export interface EndpointSettings {
  image: string | null;
  templateId: string | null;
  envNames: string[];
  flags: Record<string, unknown>;
}

const FLAG_FIELDS = ["flashboot", "timeout", "workers", "scaling", "dataCenterIds", "networkVolumes", "type"] as const;

export function settingsFrom(config: unknown, row: { image: string | null; templateId: string | null }): EndpointSettings {
  const c = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
  const env = c.env && typeof c.env === "object" && !Array.isArray(c.env) ? Object.keys(c.env as object).sort() : [];
  const gpu = (c.gpu ?? {}) as Record<string, unknown>;
  const flags: Record<string, unknown> = {};
  for (const f of FLAG_FIELDS) if (c[f] !== undefined) flags[f] = c[f];
  for (const f of ["gpuTypeIds", "pools", "count", "allowedCudaVersions", "minCudaVersion"]) if (gpu[f] !== undefined) flags[`gpu.${f}`] = gpu[f];
  return { image: typeof c.image === "string" ? c.image : row.image, templateId: typeof c.templateId === "string" ? c.templateId : row.templateId, envNames: env, flags };
}

function hashOf(s: EndpointSettings): string {
  return createHash("sha256").update(JSON.stringify(s)).digest("hex").slice(0, 64);
}

/** Records the endpoint's settings when they differ from the last snapshot. Returns true when it wrote one. */
export async function snapshotEndpointSettings(input: { endpointId: string }, ctx: Ctx<unknown>): Promise<boolean> {
  const { endpointId } = input;
  const prisma = ctx.db;
  const now = ctx.now();
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { config: true, image: true, templateId: true } });
  if (!ep?.config) return false;
  const settings = settingsFrom(ep.config, ep);
  const hash = hashOf(settings);
  const last = await prisma.endpointSettingsSnapshot.findFirst({ where: { endpointId }, orderBy: [{ at: "desc" }, { id: "desc" }], select: { hash: true } });
  if (last?.hash === hash) return false;
  // RunPod's v2 endpoint description does not say who changed it (docs/runpod-api.md 4.1).
  const r = await prisma.endpointSettingsSnapshot.createMany({ data: [{ endpointId, at: now, hash, settings: settings as unknown as Prisma.InputJsonValue, changedBy: null }], skipDuplicates: true });
  return r.count > 0;
}

export interface WorkerSideDto {
  role: "last_good" | "first_crashed";
  workerId: string;
  at: string;
  jobId: string | null;
  image: string | null;
  endpointVersion: string | null;
  gpuTypeId: string | null;
  dataCenterId: string | null;
  cudaVersion: string | null;
  startupSeconds: number | null;
  settings: EndpointSettings | null;
  settingsAt: string | null;
}

export interface CrashGroupDiffDto {
  groupId: string;
  endpointId: string;
  lastGood: WorkerSideDto | null;
  firstCrashed: WorkerSideDto | null;
  /** Fields whose values differ, in display order. */
  changed: { field: string; lastGood: unknown; firstCrashed: unknown }[];
  /** The settings change recorded between the two, if any: the deploy that likely introduced the crash. */
  introducedBy: { at: string; changedBy: string | null; fields: string[] } | null;
  /** What is missing for a full answer. */
  missing: string[];
}

async function side(prisma: Db, endpointId: string, role: WorkerSideDto["role"], workerId: string, at: Date, jobId: string | null): Promise<WorkerSideDto> {
  const [w, first, snap] = await Promise.all([
    prisma.worker.findUnique({ where: { endpointId_id: { endpointId, id: workerId } }, select: { image: true, version: true, raw: true, firstSeenAt: true, startedAt: true } }),
    prisma.workerEvent.findFirst({ where: { endpointId, workerId, kind: "state_change", toStatus: { in: ["IDLE", "RUNNING"] } }, orderBy: { at: "asc" }, select: { at: true } }),
    prisma.endpointSettingsSnapshot.findFirst({ where: { endpointId, at: { lte: at } }, orderBy: [{ at: "desc" }, { id: "desc" }] }),
  ]);
  const ev = role === "first_crashed" ? await prisma.crashEvent.findFirst({ where: { endpointId, workerId }, orderBy: { at: "asc" }, select: { image: true } }) : null;
  const raw = (w?.raw ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
  return {
    role,
    workerId,
    at: at.toISOString(),
    jobId,
    image: w?.image ?? ev?.image ?? null,
    endpointVersion: w?.version ?? str(raw.version),
    gpuTypeId: str(raw.gpuTypeId),
    dataCenterId: str(raw.dataCenterId),
    cudaVersion: str(raw.cudaVersion),
    startupSeconds: w && first ? Math.round((first.at.getTime() - w.firstSeenAt.getTime()) / 100) / 10 : null,
    settings: (snap?.settings as unknown as EndpointSettings | undefined) ?? null,
    settingsAt: snap?.at.toISOString() ?? null,
  };
}

export async function getCrashGroupDiff(input: { groupId: string }, ctx: Ctx<unknown>): Promise<CrashGroupDiffDto> {
  const { groupId } = input;
  const prisma = ctx.db;
  if (!/^\d{1,19}$/.test(groupId)) throw new AppError("not_found", `Crash group ${groupId.slice(0, 40)} does not exist.`);
  const g = await prisma.crashGroup.findUnique({ where: { id: BigInt(groupId) }, select: { id: true, endpointId: true } });
  if (!g) throw new AppError("not_found", `Crash group ${groupId} does not exist.`);
  const missing: string[] = [];
  // The newest good job before the group's latest crash, then the first crash after it: for a
  // regression this compares the fixed release with the one that broke it again.
  const g2 = await prisma.crashGroup.findUniqueOrThrow({ where: { id: g.id }, select: { lastSeenAt: true } });
  const good = await prisma.job.findFirst({
    where: { endpointId: g.endpointId, status: "COMPLETED", workerId: { not: null }, finishedAt: { lte: g2.lastSeenAt } },
    orderBy: { finishedAt: "desc" },
    select: { id: true, workerId: true, finishedAt: true },
  });
  const firstCrash = await prisma.crashEvent.findFirst({
    where: { groupId: g.id, workerId: { not: null }, ...(good?.finishedAt ? { at: { gt: good.finishedAt } } : {}) },
    orderBy: { at: "asc" },
    select: { workerId: true, at: true },
  });
  const bad = firstCrash?.workerId ? await side(prisma, g.endpointId, "first_crashed", firstCrash.workerId, firstCrash.at, null) : null;
  const ok = good?.workerId ? await side(prisma, g.endpointId, "last_good", good.workerId, good.finishedAt!, good.id) : null;
  if (!bad) missing.push("no crash of this group names its worker");
  if (!ok) missing.push("no job completed on this endpoint before the first crash");
  const changed: CrashGroupDiffDto["changed"] = [];
  if (ok && bad) {
    const fields: [string, unknown, unknown][] = [
      ["image", ok.image, bad.image],
      ["endpointVersion", ok.endpointVersion, bad.endpointVersion],
      ["gpuTypeId", ok.gpuTypeId, bad.gpuTypeId],
      ["dataCenterId", ok.dataCenterId, bad.dataCenterId],
      ["cudaVersion", ok.cudaVersion, bad.cudaVersion],
      ["settings.templateId", ok.settings?.templateId ?? null, bad.settings?.templateId ?? null],
      ["settings.envNames", ok.settings?.envNames ?? null, bad.settings?.envNames ?? null],
    ];
    const flagKeys = new Set([...Object.keys(ok.settings?.flags ?? {}), ...Object.keys(bad.settings?.flags ?? {})]);
    for (const k of [...flagKeys].sort()) fields.push([`settings.flags.${k}`, ok.settings?.flags[k] ?? null, bad.settings?.flags[k] ?? null]);
    for (const [field, a, b] of fields) if (JSON.stringify(a) !== JSON.stringify(b)) changed.push({ field, lastGood: a, firstCrashed: b });
    if (!ok.cudaVersion && !bad.cudaVersion) missing.push("CUDA/driver version: RunPod's worker list does not report it");
  }
  let introducedBy: CrashGroupDiffDto["introducedBy"] = null;
  if (ok && bad) {
    const snaps = await prisma.endpointSettingsSnapshot.findMany({ where: { endpointId: g.endpointId, at: { gt: new Date(ok.at), lte: new Date(bad.at) } }, orderBy: { at: "asc" } });
    const baseline = ok.settings;
    const firstDiff = snaps.find((s) => JSON.stringify(s.settings) !== JSON.stringify(baseline));
    if (firstDiff) {
      const after = firstDiff.settings as unknown as EndpointSettings;
      const fields = (["image", "templateId", "envNames"] as const).filter((f) => JSON.stringify(after[f]) !== JSON.stringify(baseline?.[f]));
      for (const k of new Set([...Object.keys(after.flags), ...Object.keys(baseline?.flags ?? {})])) if (JSON.stringify(after.flags[k]) !== JSON.stringify(baseline?.flags[k])) fields.push(`flags.${k}` as never);
      introducedBy = { at: firstDiff.at.toISOString(), changedBy: firstDiff.changedBy, fields };
      if (!firstDiff.changedBy) missing.push("who changed the endpoint: RunPod's endpoint description does not say");
    }
  }
  return { groupId: g.id.toString(), endpointId: g.endpointId, lastGood: ok, firstCrashed: bad, changed, introducedBy, missing };
}
