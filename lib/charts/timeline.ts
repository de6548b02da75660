import type { TimelineDto } from "@/lib/api/specs/crashes";
import type { CrashSignature } from "@/lib/domain/crash/signatures";

/** What lib/endpoints/timeline.ts reads for one endpoint and range (epoch ms everywhere). */
export interface TimelineRaw {
  endpointId: string;
  from: number;
  to: number;
  snapshots: { t: number; inQueue: number }[];
  workers: { id: string; image: string | null; firstSeenAt: number; goneAt: number | null }[];
  /** Status of each worker at `from` (its last status event before the range), when known. */
  initialStatus: Record<string, string>;
  workerEvents: { workerId: string; kind: string; toStatus: string | null; at: number; startedAt: number | null; previousStartedAt: number | null }[];
  crashes: { id: string; workerId: string | null; at: number; signature: string; title: string; exitCode: number | null }[];
  incidents: { id: string; title: string; state: string; openedAt: number; resolvedAt: number | null; events: { kind: string; at: number }[] }[];
  deploys: { t: number; image: string; version: string | null }[];
  trials: { id: string; sweepId: string; sweepName: string; number: number; start: number; end: number | null; status: string }[];
  truncated?: boolean;
}

export interface PrepareTimelineOptions {
  maxQueuePoints?: number;
  maxLanes?: number;
}

/** Fixed colours per signature (colour-blind-safe-ish; random_device is the loud one). */
export const SIGNATURE_COLORS: Record<CrashSignature, string> = {
  random_device: "#dc2626",
  device_not_available: "#9333ea",
  cuda_oom: "#ea580c",
  cuda_driver: "#a16207",
  no_gpu: "#4f46e5",
  nccl: "#0891b2",
  import_error: "#2563eb",
  missing_file: "#0d9488",
  segfault: "#be185d",
  oom_killed: "#c2410c",
  illegal_instruction: "#7c3aed",
  python_exception: "#475569",
  abort: "#b91c1c",
  unrecognised: "#57534e",
  unknown_restart: "#6b7280",
  exit_code: "#78716c",
  crash_loop_unknown: "#6b7280",
};

export function signatureColor(signature: string): string {
  return (SIGNATURE_COLORS as Record<string, string>)[signature] ?? "#6b7280";
}

type SegmentKind = TimelineDto["lanes"][number]["segments"][number]["kind"];

export function statusKind(status: string | null): SegmentKind {
  switch ((status ?? "").toUpperCase()) {
    case "INITIALIZING":
      return "starting";
    case "RUNNING":
      return "running";
    case "IDLE":
    case "READY":
      return "idle";
    case "UNHEALTHY":
      return "unhealthy";
    case "THROTTLED":
      return "throttled";
    default:
      return "other";
  }
}

/** Max per bucket, so a short spike of the queue survives downsampling. */
export function downsampleMax(points: { t: number; inQueue: number }[], from: number, to: number, max: number): { t: number; inQueue: number }[] {
  const inRange = points.filter((p) => p.t >= from && p.t <= to).sort((a, b) => a.t - b.t);
  if (inRange.length <= max) return inRange;
  const width = (to - from) / max;
  const out: { t: number; inQueue: number }[] = [];
  let bucket = -1;
  for (const p of inRange) {
    const b = Math.min(max - 1, Math.floor((p.t - from) / width));
    if (b !== bucket) {
      out.push({ t: from + b * width, inQueue: p.inQueue });
      bucket = b;
    } else if (p.inQueue > out[out.length - 1].inQueue) out[out.length - 1].inQueue = p.inQueue;
  }
  return out;
}

/** Incident bands: one per open period (opened/regressed → resolved), clipped to the range. */
export function incidentBands(incidents: TimelineRaw["incidents"], from: number, to: number): TimelineDto["incidents"] {
  const out: TimelineDto["incidents"] = [];
  for (const inc of incidents) {
    const evs = [...inc.events].sort((a, b) => a.at - b.at);
    if (!evs.some((e) => e.kind === "opened")) evs.unshift({ kind: "opened", at: inc.openedAt });
    let start: number | null = null;
    const push = (s: number, e: number | null) => {
      if ((e ?? Infinity) < from || s > to) return;
      out.push({ id: inc.id, start: Math.max(s, from), end: e === null ? null : Math.min(e, to), title: inc.title, state: inc.state });
    };
    for (const e of evs) {
      if ((e.kind === "opened" || e.kind === "regressed") && start === null) start = e.at;
      else if (e.kind === "resolved" && start !== null) {
        push(start, e.at);
        start = null;
      }
    }
    if (start !== null) push(start, inc.resolvedAt && inc.state === "resolved" ? inc.resolvedAt : null);
  }
  return out;
}

/**
 * Turns raw rows into what the timeline chart draws: queue depth (downsampled), one lane per worker
 * (status segments, crash markers coloured by signature, restarts and the back-off gap between a crash
 * and the next start), incident bands, image/version changes and sweep trials. Pure.
 */
export function prepareTimeline(raw: TimelineRaw, opts: PrepareTimelineOptions = {}): TimelineDto {
  const { from, to } = raw;
  const maxLanes = opts.maxLanes ?? 40;
  let truncated = Boolean(raw.truncated);

  const crashesByWorker = new Map<string, TimelineRaw["crashes"]>();
  for (const c of raw.crashes) {
    const k = c.workerId ?? "";
    const l = crashesByWorker.get(k);
    if (l) l.push(c);
    else crashesByWorker.set(k, [c]);
  }
  const eventsByWorker = new Map<string, TimelineRaw["workerEvents"]>();
  for (const e of raw.workerEvents) {
    const l = eventsByWorker.get(e.workerId);
    if (l) l.push(e);
    else eventsByWorker.set(e.workerId, [e]);
  }

  let workers = raw.workers.filter((w) => w.firstSeenAt <= to && (w.goneAt === null || w.goneAt >= from));
  if (workers.length > maxLanes) {
    truncated = true;
    workers = [...workers].sort((a, b) => (crashesByWorker.get(b.id)?.length ?? 0) - (crashesByWorker.get(a.id)?.length ?? 0) || b.firstSeenAt - a.firstSeenAt).slice(0, maxLanes);
  }
  workers.sort((a, b) => a.firstSeenAt - b.firstSeenAt || a.id.localeCompare(b.id));

  const lanes: TimelineDto["lanes"] = workers.map((w) => {
    const evs = [...(eventsByWorker.get(w.id) ?? [])].sort((a, b) => a.at - b.at);
    const crashes = [...(crashesByWorker.get(w.id) ?? [])].sort((a, b) => a.at - b.at);
    const end = Math.min(to, w.goneAt ?? to);
    const segments: TimelineDto["lanes"][number]["segments"] = [];
    let cur = Math.max(from, w.firstSeenAt);
    let status: string | null = raw.initialStatus[w.id] ?? null;
    for (const e of evs) {
      if (e.at < from) {
        if (e.toStatus) status = e.toStatus;
        continue;
      }
      if (e.at > end) break;
      if (!e.toStatus || e.toStatus === status) continue;
      if (status !== null && e.at > cur) segments.push({ start: cur, end: e.at, kind: statusKind(status) });
      if (status === null && e.at > cur) segments.push({ start: cur, end: e.at, kind: "other" });
      status = e.toStatus;
      cur = Math.max(cur, e.at);
    }
    if (end > cur) segments.push({ start: cur, end, kind: statusKind(status) });

    const restarts: number[] = [];
    for (const e of evs) {
      if (e.kind !== "restart") continue;
      const started = e.startedAt ?? e.at;
      if (started >= from && started <= to) restarts.push(started);
      // back-off: from the last crash before this start (after the previous start) to the start
      const after = e.previousStartedAt ?? -Infinity;
      const crash = [...crashes].reverse().find((c) => c.at <= started && c.at >= after);
      if (crash && started > crash.at) {
        const s = Math.max(from, crash.at);
        const en = Math.min(to, started);
        if (en > s) segments.push({ start: s, end: en, kind: "backoff" });
      }
    }
    return {
      workerId: w.id,
      image: w.image,
      segments,
      crashes: crashes.filter((c) => c.at >= from && c.at <= to).map((c) => ({ id: c.id, t: c.at, signature: c.signature, title: c.title, color: signatureColor(c.signature), exitCode: c.exitCode })),
      restarts: restarts.sort((a, b) => a - b),
    };
  });

  const counts = new Map<string, { title: string; count: number }>();
  for (const c of raw.crashes) {
    if (c.at < from || c.at > to) continue;
    const s = counts.get(c.signature);
    if (s) s.count++;
    else counts.set(c.signature, { title: c.title, count: 1 });
  }

  return {
    endpointId: raw.endpointId,
    from,
    to,
    queue: downsampleMax(raw.snapshots, from, to, opts.maxQueuePoints ?? 600),
    lanes,
    incidents: incidentBands(raw.incidents, from, to),
    deploys: raw.deploys.filter((d) => d.t >= from && d.t <= to).sort((a, b) => a.t - b.t),
    trials: raw.trials.filter((t) => t.start <= to && (t.end === null || t.end >= from)).sort((a, b) => a.start - b.start),
    signatures: [...counts.entries()].map(([signature, s]) => ({ signature, title: s.title, color: signatureColor(signature), count: s.count })).sort((a, b) => b.count - a.count),
    truncated,
  };
}

/**
 * The range the chart draws: a live window shrinks its start to the first recorded point (with a little
 * room) so a short history is not squeezed into the right edge. Fixed windows the user chose stay as they are.
 */
export function fitTimelineRange(data: Pick<TimelineDto, "from" | "to" | "queue" | "lanes">, live: boolean): { from: number; to: number } {
  const { from, to } = data;
  if (!live) return { from, to };
  let first = Infinity;
  for (const p of data.queue) first = Math.min(first, p.t);
  for (const l of data.lanes) {
    for (const s of l.segments) first = Math.min(first, s.start);
    for (const c of l.crashes) first = Math.min(first, c.t);
  }
  if (!Number.isFinite(first) || first <= from) return { from, to };
  const minSpan = 60_000;
  const start = Math.max(from, Math.min(first - (to - first) * 0.05, to - minSpan));
  return { from: Math.floor(start), to };
}
