import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";

/** Endpoint writes: manual endpoints from the UI, pause/resume, and the poller's discovery upserts. */

const ENDPOINT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface EndpointRow {
  id: string;
  name: string;
  displayName: string | null;
  source: "discovered" | "manual";
  paused: boolean;
}

const select = { id: true, name: true, displayName: true, source: true, paused: true } as const;

/**
 * Adds an endpoint by hand (id + display name). An endpoint that already exists keeps its data;
 * only its display name is updated. Bad input → AppError("validation_failed"), nothing written.
 */
export async function addEndpoint(
  input: { id: string; displayName?: string | null },
  deps: { prisma?: PrismaClient } = {},
): Promise<EndpointRow> {
  const id = typeof input.id === "string" ? input.id.trim() : "";
  if (!ENDPOINT_ID.test(id)) {
    throw new AppError("validation_failed", "Endpoint id must be 1-128 letters, digits, '-' or '_'.", {
      issues: [{ path: "id", message: "must be 1-128 letters, digits, '-' or '_'" }],
    });
  }
  const displayName = typeof input.displayName === "string" && input.displayName.trim() ? input.displayName.trim().slice(0, 255) : null;
  const prisma = deps.prisma ?? getPrisma();
  return prisma.endpoint.upsert({
    where: { id },
    create: { id, name: displayName ?? id, displayName, source: "manual" },
    update: displayName ? { displayName } : {},
    select,
  });
}

/** Pauses or resumes polling of an endpoint. Unknown id → AppError("not_found"). */
export async function setEndpointPaused(id: string, paused: boolean, deps: { prisma?: PrismaClient } = {}): Promise<EndpointRow> {
  const prisma = deps.prisma ?? getPrisma();
  try {
    return await prisma.endpoint.update({ where: { id }, data: { paused: Boolean(paused) }, select });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025") throw new AppError("not_found", `Endpoint "${id}" not found.`);
    throw err;
  }
}

export interface DiscoveredEndpoint {
  id: string;
  name?: string | null;
  /** QUEUE or LOAD_BALANCER (RunPod v2 Endpoint.type); default QUEUE. */
  type?: "QUEUE" | "LOAD_BALANCER";
  image?: string | null;
  workers?: { min?: number; max?: number; idleTimeout?: number } | undefined;
  gpuTypes?: string[];
  raw?: unknown;
}

/** Upserts endpoints the management API listed. Only rows whose described config changed are written. */
export async function upsertDiscoveredEndpoints(prisma: PrismaClient, list: DiscoveredEndpoint[]): Promise<{ created: number; updated: number }> {
  if (!list.length) return { created: 0, updated: 0 };
  const existing = await prisma.endpoint.findMany({
    where: { id: { in: list.map((e) => e.id) } },
    select: { id: true, name: true, type: true, image: true, workersMin: true, workersMax: true, idleTimeout: true, config: true },
  });
  const byId = new Map(existing.map((e) => [e.id, e]));
  let created = 0;
  let updated = 0;
  for (const e of list) {
    const data = {
      name: (e.name ?? e.id).slice(0, 255),
      type: e.type ?? "QUEUE",
      image: e.image ?? null,
      workersMin: e.workers?.min ?? null,
      workersMax: e.workers?.max ?? null,
      idleTimeout: e.workers?.idleTimeout ?? null,
      config: (e.raw ?? Prisma.DbNull) as Prisma.InputJsonValue,
      ...(e.gpuTypes ? { gpuTypes: e.gpuTypes } : {}),
    };
    const prev = byId.get(e.id);
    if (!prev) {
      await prisma.endpoint.createMany({ data: [{ id: e.id, source: "discovered", ...data }], skipDuplicates: true });
      created++;
      continue;
    }
    const same =
      prev.name === data.name &&
      prev.type === data.type &&
      prev.image === data.image &&
      prev.workersMin === data.workersMin &&
      prev.workersMax === data.workersMax &&
      prev.idleTimeout === data.idleTimeout &&
      stableStringify(prev.config ?? null) === stableStringify(e.raw ?? null);
    if (!same) {
      await prisma.endpoint.update({ where: { id: e.id }, data });
      updated++;
    }
  }
  return { created, updated };
}

/** Endpoints the poller should work on: not paused, queue-based (a load balancer has no queue API), in id order. */
export async function listPollableEndpoints(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.endpoint.findMany({ where: { paused: false, type: { not: "LOAD_BALANCER" } }, select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((r) => r.id);
}

/**
 * What a workers list tells about the endpoint: its configuration version (`endpointVersion`; the v2
 * endpoint object has none) and the worker summary by status (the documented source of the counts
 * /health may leave out).
 */
export async function recordWorkersList(
  prisma: PrismaClient,
  input: { endpointId: string; version: number | string | null; summary: { running: number; idle: number; initializing: number; throttled: number; unhealthy: number; total: number }; at: Date },
): Promise<void> {
  const version = input.version === null ? undefined : String(input.version).slice(0, 64);
  await prisma.endpoint.updateMany({
    where: { id: input.endpointId },
    data: { workerSummary: input.summary, workerSummaryAt: input.at, ...(version !== undefined ? { configVersion: version } : {}) },
  });
}

/** /health answered 404 (missing: since `at`) or answers again (cleared). Open jobs are left as they are. */
export async function markEndpointMissing(prisma: PrismaClient, input: { endpointId: string; missing: boolean; at: Date }): Promise<void> {
  await prisma.endpoint.updateMany({
    where: { id: input.endpointId, missingSince: input.missing ? null : { not: null } },
    data: { missingSince: input.missing ? input.at : null },
  });
}

/** JSON with sorted keys: jsonb does not keep key order, so compare this way. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(",")}}`;
}
