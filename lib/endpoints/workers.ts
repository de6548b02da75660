import { Prisma } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";

// Service of the worker list: the diff rules (restart, image/version change, gone) and the poll that applies them.

/** One worker as the management API lists it (lib/runpod Worker, narrowed to what we store). */
export interface ObservedWorker {
  id: string;
  status: string;
  startedAt: string | null;
  uptimeSeconds: number | null;
  image: string | null;
  version: number | string | null;
  isStale?: boolean;
  raw?: unknown;
}

/** What we knew about the worker before this poll. */
export interface KnownWorker {
  id: string;
  status: string;
  startedAt: Date | null;
  uptimeSeconds: number | null;
  image: string | null;
  version: string | null;
  goneAt: Date | null;
  restartCount: number;
}

export type WorkerEventKind = "appeared" | "state_change" | "restart" | "gone";

export interface PlannedWorkerEvent {
  workerId: string;
  kind: WorkerEventKind;
  fromStatus: string | null;
  toStatus: string | null;
  image: string | null;
  version: string | null;
  detail: Record<string, unknown> | null;
}

export interface WorkerDiff {
  events: PlannedWorkerEvent[];
  /** Ids that restarted in this poll (startedAt moved or uptime reset). */
  restarted: string[];
  appeared: string[];
  gone: string[];
}

const versionText = (v: number | string | null | undefined) => (v === null || v === undefined ? null : String(v));
const time = (s: string | null) => {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
};

/**
 * Pure diff between the stored workers and a fresh list. Rules (docs/runpod-api.md 4.1 and 9, item 2):
 * a restart is startedAt moving forward for the same id, or uptimeSeconds going down while
 * startedAt did not move (counted once either way); image or config version changes are
 * recorded as a state_change with detail.change = "image" | "version"; a worker missing from
 * the list is gone; a gone worker that is listed again has appeared again.
 */
export function diffWorkers(known: KnownWorker[], listed: ObservedWorker[]): WorkerDiff {
  const byId = new Map(known.map((k) => [k.id, k]));
  const seen = new Set<string>();
  const out: WorkerDiff = { events: [], restarted: [], appeared: [], gone: [] };
  for (const w of listed) {
    if (seen.has(w.id)) continue;
    seen.add(w.id);
    const prev = byId.get(w.id);
    const version = versionText(w.version);
    const base = { workerId: w.id, image: w.image, version };
    if (!prev || prev.goneAt) {
      out.appeared.push(w.id);
      out.events.push({ ...base, kind: "appeared", fromStatus: null, toStatus: w.status, detail: prev ? { reappeared: true } : null });
      continue;
    }
    const prevStart = prev.startedAt ? prev.startedAt.getTime() : null;
    const curStart = time(w.startedAt);
    const startMoved = prevStart !== null && curStart !== null && curStart > prevStart;
    const uptimeReset =
      !startMoved && (prevStart === curStart || curStart === null) && prev.uptimeSeconds !== null && w.uptimeSeconds !== null && w.uptimeSeconds < prev.uptimeSeconds;
    if (startMoved || uptimeReset) {
      out.restarted.push(w.id);
      out.events.push({
        ...base,
        kind: "restart",
        fromStatus: prev.status,
        toStatus: w.status,
        detail: { reason: startMoved ? "startedAt" : "uptime", previousStartedAt: prev.startedAt?.toISOString() ?? null, startedAt: w.startedAt, previousUptimeSeconds: prev.uptimeSeconds, uptimeSeconds: w.uptimeSeconds },
      });
    }
    if (prev.status !== w.status) {
      out.events.push({ ...base, kind: "state_change", fromStatus: prev.status, toStatus: w.status, detail: null });
    }
    const imageChanged = (prev.image ?? null) !== (w.image ?? null);
    const versionChanged = (prev.version ?? null) !== version;
    if (imageChanged || versionChanged) {
      // Same kind as a status change: the schema's event kinds are a closed set; detail says what changed.
      const detail = {
        change: imageChanged ? "image" : "version",
        ...(imageChanged ? { fromImage: prev.image, toImage: w.image } : {}),
        ...(versionChanged ? { fromVersion: prev.version, toVersion: version } : {}),
      };
      const sc = out.events.find((e) => e.workerId === w.id && e.kind === "state_change");
      if (sc) sc.detail = detail;
      else out.events.push({ ...base, kind: "state_change", fromStatus: prev.status, toStatus: w.status, detail });
    }
  }
  for (const k of known) {
    if (!k.goneAt && !seen.has(k.id)) {
      out.gone.push(k.id);
      out.events.push({ workerId: k.id, kind: "gone", fromStatus: k.status, toStatus: null, image: k.image, version: k.version, detail: null });
    }
  }
  return out;
}

export interface UpsertWorkersResult extends WorkerDiff {
  /** Workers currently listed, with what the log step needs. */
  current: { id: string; status: string; firstSeenAt: Date; startedAt: Date | null; lastRestartAt: Date | null }[];
}

/**
 * Applies one worker-list poll: upserts every listed worker, marks missing ones gone, and
 * writes a WorkerEvent per change, all in one transaction. A repeated identical list writes
 * no events (and no rows change except lastSeenAt).
 */
export async function upsertWorkers(
  input: { endpointId: string; workers: ObservedWorker[]; at: Date },
  ctx: Ctx<unknown>,
): Promise<UpsertWorkersResult> {
  const { endpointId, at } = input;
  return ctx.db.$transaction(async (tx) => {
    const known = await tx.worker.findMany({
      where: { endpointId },
      select: { id: true, status: true, startedAt: true, uptimeSeconds: true, image: true, version: true, goneAt: true, restartCount: true, firstSeenAt: true, lastRestartAt: true },
    });
    const diff = diffWorkers(known, input.workers);
    const restarted = new Set(diff.restarted);
    const appeared = new Set(diff.appeared);
    const knownById = new Map(known.map((k) => [k.id, k]));
    const current: UpsertWorkersResult["current"] = [];
    const seen = new Set<string>();
    for (const w of input.workers) {
      if (seen.has(w.id)) continue;
      seen.add(w.id);
      const startedAt = time(w.startedAt);
      const common = {
        status: w.status.slice(0, 64),
        startedAt: startedAt === null ? null : new Date(startedAt),
        uptimeSeconds: w.uptimeSeconds === null ? null : Math.round(w.uptimeSeconds),
        image: w.image,
        version: versionText(w.version),
        isStale: Boolean(w.isStale),
        raw: (w.raw ?? Prisma.DbNull) as Prisma.InputJsonValue,
        lastSeenAt: at,
      };
      const prev = knownById.get(w.id);
      if (!prev) {
        await tx.worker.create({ data: { endpointId, id: w.id, ...common, firstSeenAt: at } });
        current.push({ id: w.id, status: common.status, firstSeenAt: at, startedAt: common.startedAt, lastRestartAt: null });
      } else {
        const isRestart = restarted.has(w.id);
        const lastRestartAt = isRestart ? (common.startedAt ?? at) : prev.lastRestartAt;
        await tx.worker.update({
          where: { endpointId_id: { endpointId, id: w.id } },
          data: {
            ...common,
            goneAt: null,
            ...(appeared.has(w.id) ? { firstSeenAt: prev.firstSeenAt } : {}),
            ...(isRestart ? { restartCount: { increment: 1 }, lastRestartAt } : {}),
          },
        });
        current.push({ id: w.id, status: common.status, firstSeenAt: prev.firstSeenAt, startedAt: common.startedAt, lastRestartAt });
      }
    }
    if (diff.gone.length) {
      await tx.worker.updateMany({ where: { endpointId, id: { in: diff.gone } }, data: { goneAt: at } });
    }
    if (diff.events.length) {
      await tx.workerEvent.createMany({
        data: diff.events.map((e) => ({
          endpointId,
          workerId: e.workerId,
          kind: e.kind,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          image: e.image,
          version: e.version,
          detail: (e.detail ?? Prisma.DbNull) as Prisma.InputJsonValue,
          at,
        })),
        skipDuplicates: true,
      });
    }
    return { ...diff, current };
  });
}

/** Stores the SSE resume cursor of a worker's log stream. */
export async function saveWorkerLogCursor(
  input: { endpointId: string; workerId: string; cursor: string | null; at: Date },
  ctx: Ctx<unknown>,
): Promise<void> {
  await ctx.db.worker.updateMany({
    where: { endpointId: input.endpointId, id: input.workerId },
    data: { ...(input.cursor ? { logCursor: input.cursor.slice(0, 255) } : {}), logCursorAt: input.at },
  });
}
