import type { SnapshotSeriesDto, SparkPointDto } from "@/lib/api/specs/endpoints";

/**
 * Pure data preparers for the endpoint charts: the chart components only render what these
 * return. Times are epoch milliseconds (numeric x axes); a gap longer than two windows becomes a
 * null row so lines break instead of bridging missing data.
 */

export interface QueueDepthRow {
  t: number;
  inQueue: number | null;
  inQueueMax: number | null;
  inProgress: number | null;
  downsampled: boolean;
}

export interface TimeSpan {
  from: number;
  to: number;
}

export interface QueueDepthChart {
  rows: QueueDepthRow[];
  /** Stretches drawn from retention buckets (raw snapshots deleted), for a shaded band. */
  downsampledSpans: TimeSpan[];
  domain: [number, number];
  isEmpty: boolean;
  yMax: number;
}

function withGaps<T extends { t: number }>(rows: T[], stepMs: number, gap: (t: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && rows[i].t - rows[i - 1].t > 2 * stepMs) out.push(gap(rows[i - 1].t + stepMs));
    out.push(rows[i]);
  }
  return out;
}

/** Joins consecutive downsampled points into spans (each span covers its points' windows). */
export function downsampledSpans(points: { t: number; downsampled: boolean }[], stepMs: number): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (const p of points) {
    if (!p.downsampled) continue;
    const last = spans.at(-1);
    if (last && p.t <= last.to) last.to = p.t + stepMs;
    else spans.push({ from: p.t, to: p.t + stepMs });
  }
  return spans;
}

/**
 * What every snapshot chart shares: one row per point (`toRow`), gaps filled with `gapRow`, the
 * downsampled stretches and the time domain. `points` are the rows before gap filling.
 */
function snapshotChart<R extends { t: number; downsampled: boolean }>(
  series: SnapshotSeriesDto,
  toRow: (p: SnapshotSeriesDto["points"][number]) => R,
  gapRow: (t: number) => R,
) {
  const stepMs = series.stepSeconds * 1000;
  const points = series.points.map(toRow);
  const chart = {
    rows: withGaps(points, stepMs, gapRow),
    downsampledSpans: downsampledSpans(points, stepMs),
    domain: [Date.parse(series.from), Date.parse(series.to)] as [number, number],
    isEmpty: points.length === 0,
  };
  return { points, chart };
}

export function prepareQueueDepthChart(series: SnapshotSeriesDto): QueueDepthChart {
  const { points, chart } = snapshotChart(
    series,
    (p): QueueDepthRow => ({ t: Date.parse(p.t), inQueue: p.jobsInQueue, inQueueMax: p.jobsInQueueMax, inProgress: p.jobsInProgress, downsampled: p.downsampled }),
    (t) => ({ t, inQueue: null, inQueueMax: null, inProgress: null, downsampled: false }),
  );
  return { ...chart, yMax: Math.max(1, ...points.map((r) => Math.max(r.inQueueMax ?? 0, r.inProgress ?? 0))) };
}

export const WORKER_STATE_KEYS = ["running", "idle", "initializing", "throttled", "unhealthy"] as const;
export type WorkerStateKey = (typeof WORKER_STATE_KEYS)[number];

export type WorkerStateRow = { t: number; downsampled: boolean } & Record<WorkerStateKey, number | null>;

export interface WorkerStateChart {
  rows: WorkerStateRow[];
  downsampledSpans: TimeSpan[];
  domain: [number, number];
  isEmpty: boolean;
  /** States that are non-zero somewhere in the range (the legend shows only these). */
  presentKeys: WorkerStateKey[];
  /** Highest unhealthy count in the range: the headline of a crash loop (null: never reported). */
  maxUnhealthy: number | null;
  /** States RunPod's /health never reported in the range (null, which is not 0). */
  notReported: WorkerStateKey[];
}

export function prepareWorkerStateChart(series: SnapshotSeriesDto): WorkerStateChart {
  const { points, chart } = snapshotChart(
    series,
    (p): WorkerStateRow => ({
      t: Date.parse(p.t),
      downsampled: p.downsampled,
      running: p.workersRunning,
      idle: p.workersIdle,
      initializing: p.workersInitializing,
      throttled: p.workersThrottled,
      unhealthy: p.workersUnhealthy,
    }),
    (t) => ({ t, downsampled: false, running: null, idle: null, initializing: null, throttled: null, unhealthy: null }),
  );
  return {
    ...chart,
    presentKeys: WORKER_STATE_KEYS.filter((k) => points.some((r) => (r[k] ?? 0) > 0)),
    maxUnhealthy: points.some((r) => r.unhealthy !== null) ? Math.max(0, ...points.map((r) => r.unhealthy ?? 0)) : null,
    notReported: points.length ? WORKER_STATE_KEYS.filter((k) => points.every((r) => r[k] === null)) : [],
  };
}

/**
 * What an empty worker-states chart says. Zero workers is a finding only for the states RunPod reported:
 * its documented /health sends idle and running alone, so "no workers at all" would hide a crash loop whose
 * workers are unhealthy or initializing (those show in the workers list, from the management API).
 */
export function workerStatesEmptyText(c: Pick<WorkerStateChart, "isEmpty" | "presentKeys" | "notReported">): string | null {
  if (c.isEmpty) return "No health snapshots in this range, so no worker counts either.";
  if (c.presentKeys.length) return null;
  if (!c.notReported.length) return "No workers at all in this range (scaled to zero, or no capacity).";
  const reported = WORKER_STATE_KEYS.filter((k) => !c.notReported.includes(k));
  return `RunPod's /health reported no ${reported.join(" or ")} workers in this range. It does not report ${c.notReported.join(", ")} workers: see the workers list for those.`;
}

export interface Sparkline {
  /** SVG path ("M x y L x y ..."), one subpath per run of consecutive minutes; null without data. */
  path: string | null;
  /** Latest value, max over the window, and the number of points. */
  last: number | null;
  max: number;
  count: number;
  /** Accessible summary, e.g. "queue depth over the last hour: now 7, max 12". */
  label: string;
}

/**
 * Queue-depth sparkline over [now - windowMs, now] scaled into width × height (y grows down,
 * 1px padding). Minutes without data break the line.
 */
export function prepareSparkline(points: SparkPointDto[], opts: { now: number; windowMs: number; width: number; height: number }): Sparkline {
  const { now, windowMs, width, height } = opts;
  const start = now - windowMs;
  const pts = points.map((p) => ({ t: Date.parse(p.t), v: p.inQueue })).filter((p) => p.t >= start - 60_000 && p.t <= now);
  if (!pts.length) return { path: null, last: null, max: 0, count: 0, label: "no queue data in the last hour" };
  const max = Math.max(...pts.map((p) => p.v));
  const scaleY = (v: number) => height - 1 - (max > 0 ? (v / max) * (height - 2) : 0);
  const scaleX = (t: number) => Math.min(width, Math.max(0, ((t - start) / windowMs) * width));
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = "";
  pts.forEach((p, i) => {
    const jump = i === 0 || p.t - pts[i - 1].t > 2 * 60_000;
    d += `${d ? " " : ""}${jump ? "M" : "L"}${r(scaleX(p.t))} ${r(scaleY(p.v))}`;
    // A lone point would not be visible as a path: give it a short horizontal stroke.
    const next = pts[i + 1];
    if (jump && (!next || next.t - p.t > 2 * 60_000)) d += ` L${r(Math.min(width, scaleX(p.t) + 2))} ${r(scaleY(p.v))}`;
  });
  const last = pts[pts.length - 1].v;
  return { path: d, last, max, count: pts.length, label: `queue depth over the last hour: now ${last}, max ${max}` };
}
