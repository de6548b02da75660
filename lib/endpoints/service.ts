import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { actorOf, type Ctx } from "@/lib/ctx";
import { recordAudit } from "@/lib/data/audit";
import {
  createDiscoveredEndpoint,
  endpointExists,
  findEndpointConfigs,
  updateEndpointConfig,
  updateEndpointPaused,
  upsertManualEndpoint,
  type EndpointConfigData,
  type EndpointRow,
} from "@/lib/endpoints/repository";

/**
 * Service of endpoints: the rules of endpoint writes (id validation, not-found, which discovered
 * configs count as changed) and their audit. Manual endpoints from the UI, pause/resume, the
 * poller's discovery upserts.
 */

const ENDPOINT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Adds an endpoint by hand (id + display name), audited as endpoint.add. An endpoint that already
 * exists keeps its data; only its display name is updated. Bad input → AppError("validation_failed"),
 * nothing written.
 */
export async function addEndpoint(input: { id: string; displayName?: string | null }, ctx: Ctx<unknown>): Promise<EndpointRow> {
  actorOf(ctx); // refuse a context without a principal before writing anything
  const row = await saveManualEndpoint(input, ctx);
  await recordAudit({ action: "endpoint.add", targetType: "endpoint", targetId: row.id, detail: { displayName: row.displayName } }, ctx);
  return row;
}

/**
 * Changes an endpoint's display name and/or pauses or resumes its polling, audited as
 * endpoint.update, endpoint.pause or endpoint.resume with the changes. Unknown id → AppError("not_found").
 */
export async function updateEndpoint(input: { id: string; displayName?: string | null; paused?: boolean }, ctx: Ctx<unknown>): Promise<void> {
  actorOf(ctx); // refuse a context without a principal before writing anything
  const { id, ...changes } = input;
  if (!(await endpointExists({ id }, ctx))) throw new AppError("not_found", `Endpoint "${id}" not found.`);
  if (changes.displayName) await saveManualEndpoint({ id, displayName: changes.displayName }, ctx);
  if (changes.paused !== undefined) await setEndpointPaused({ id, paused: changes.paused }, ctx);
  const action = changes.paused === undefined ? "endpoint.update" : changes.paused ? "endpoint.pause" : "endpoint.resume";
  await recordAudit({ action, targetType: "endpoint", targetId: id, detail: changes }, ctx);
}

async function saveManualEndpoint(input: { id: string; displayName?: string | null }, ctx: Ctx<unknown>): Promise<EndpointRow> {
  const id = typeof input.id === "string" ? input.id.trim() : "";
  if (!ENDPOINT_ID.test(id)) {
    throw new AppError("validation_failed", "Endpoint id must be 1-128 letters, digits, '-' or '_'.", {
      issues: [{ path: "id", message: "must be 1-128 letters, digits, '-' or '_'" }],
    });
  }
  const displayName = typeof input.displayName === "string" && input.displayName.trim() ? input.displayName.trim().slice(0, 255) : null;
  return upsertManualEndpoint(ctx.db, { id, displayName });
}

/** Pauses or resumes polling of an endpoint. Unknown id → AppError("not_found"). */
async function setEndpointPaused({ id, paused }: { id: string; paused: boolean }, ctx: Ctx<unknown>): Promise<EndpointRow> {
  try {
    return await updateEndpointPaused(ctx.db, { id, paused: Boolean(paused) });
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
export async function upsertDiscoveredEndpoints({ endpoints: list }: { endpoints: DiscoveredEndpoint[] }, ctx: Ctx<unknown>): Promise<{ created: number; updated: number }> {
  if (!list.length) return { created: 0, updated: 0 };
  const existing = await findEndpointConfigs(ctx.db, list.map((e) => e.id));
  const byId = new Map(existing.map((e) => [e.id, e]));
  let created = 0;
  let updated = 0;
  for (const e of list) {
    const data: EndpointConfigData = {
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
      await createDiscoveredEndpoint(ctx.db, e.id, data);
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
      await updateEndpointConfig(ctx.db, e.id, data);
      updated++;
    }
  }
  return { created, updated };
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
