// Pure data preparers for the sweep charts (components/charts/sweep-*.tsx only render what these return).
// Inputs are the DTOs of GET /api/sweeps/{id}/analysis; nothing here touches the DOM or the network.
import type { SweepAnalysisDto, TrialStatusName } from "@/lib/api/specs/sweeps";

export type Goal = "minimize" | "maximize";

/** true when `a` is a better metric value than `b` for the goal. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === "minimize" ? a < b : a > b;
}

// ───────────── optimisation history ─────────────

export interface HistoryInput {
  /** trial number (or the number at the end of a bucket) */
  number: number;
  /** the metric value (best of the bucket) */
  value: number;
  min?: number;
  max?: number;
  count?: number;
}

export interface HistoryPoint {
  number: number;
  value: number;
  min: number;
  max: number;
  /** best value over every point up to and including this one */
  best: number;
  count: number;
}

/**
 * Running best-so-far over points in trial order. Non-finite values are skipped. The line is
 * monotone: non-increasing when minimising, non-decreasing when maximising.
 */
export function bestSoFar(points: readonly HistoryInput[], goal: Goal): HistoryPoint[] {
  const sorted = points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.number - b.number);
  const out: HistoryPoint[] = [];
  let best: number | null = null;
  for (const p of sorted) {
    if (best === null || isBetter(p.value, best, goal)) best = p.value;
    out.push({ number: p.number, value: p.value, min: p.min ?? p.value, max: p.max ?? p.value, best, count: p.count ?? 1 });
  }
  return out;
}

/**
 * Merges consecutive points into at most `maxPoints` buckets. Each bucket keeps its best value
 * (so the best trial never disappears from the chart), the min and max of the bucket (the band),
 * the best-so-far at its end and the count of trials it stands for.
 */
export function downsampleHistory(points: readonly HistoryPoint[], maxPoints: number, goal: Goal): HistoryPoint[] {
  if (maxPoints < 1) throw new RangeError("maxPoints must be at least 1");
  if (points.length <= maxPoints) return points.slice();
  const size = Math.ceil(points.length / maxPoints);
  const out: HistoryPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const chunk = points.slice(i, i + size);
    let bestPoint = chunk[0];
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    for (const p of chunk) {
      if (isBetter(p.value, bestPoint.value, goal)) bestPoint = p;
      min = Math.min(min, p.min);
      max = Math.max(max, p.max);
      count += p.count;
    }
    const last = chunk[chunk.length - 1];
    out.push({ number: last.number, value: bestPoint.value, min, max, best: last.best, count });
  }
  return out;
}

export interface HistoryChartData {
  points: HistoryPoint[];
  /** trials the chart stands for (sum of bucket counts) */
  trials: number;
  /** y-axis domain with a little headroom, widened to round ticks; null when there is nothing to draw */
  domain: [number, number] | null;
  /** y-axis ticks on round values */
  ticks: number[];
  /** true when one point stands for more than one trial */
  aggregated: boolean;
  best: number | null;
}

/** History chart data from the analysis DTO's (possibly already bucketed) history. */
export function prepareHistory(history: SweepAnalysisDto["history"], goal: Goal, maxPoints = 500): HistoryChartData {
  const withBest = bestSoFar(history.points, goal);
  const points = downsampleHistory(withBest, maxPoints, goal);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.value, p.best);
    hi = Math.max(hi, p.value, p.best);
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  const ticks = points.length ? niceTicks(lo - pad, hi + pad) : [];
  // Widen the domain to the round ticks just outside it, so the axis starts and ends on labelled values.
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
  const domain: [number, number] | null = points.length
    ? step > 0
      ? [Number((Math.floor((lo - pad) / step + 1e-9) * step).toPrecision(12)), Number((Math.ceil((hi + pad) / step - 1e-9) * step).toPrecision(12))]
      : [lo - pad, hi + pad]
    : null;
  return {
    points,
    trials: points.reduce((s, p) => s + p.count, 0),
    domain,
    ticks: domain && step > 0 ? niceTicks(domain[0], domain[1]) : ticks,
    aggregated: history.bucketSize > 1 || points.some((p) => p.count > 1),
    best: points.length ? points[points.length - 1].best : null,
  };
}

// ───────────── parallel coordinates ─────────────

type Dimension = SweepAnalysisDto["parallel"]["dimensions"][number];
type ParallelRow = SweepAnalysisDto["parallel"]["rows"][number];

export const METRIC_AXIS = "__metric__";

export interface ParallelAxis {
  key: string;
  label: string;
  kind: "numeric" | "categorical";
  log: boolean;
  /** tick positions (0 = bottom, 1 = top) with their labels */
  ticks: { at: number; label: string }[];
  /** maps a normalised position back to a value label (for brush read-outs) */
  min: number | null;
  max: number | null;
  values: string[] | null;
}

export interface ParallelLine {
  id: string;
  number: number;
  value: number;
  /** per axis, the position in [0, 1] (null = the trial has no value for that parameter) */
  ys: (number | null)[];
  /** 0 = worst, 1 = best (for colour) */
  quality: number;
}

export interface ParallelData {
  axes: ParallelAxis[];
  lines: ParallelLine[];
}

function numericPosition(v: number, min: number, max: number, log: boolean): number {
  if (log && min > 0 && max > 0 && v > 0) {
    const a = Math.log(min);
    const b = Math.log(max);
    return b === a ? 0.5 : (Math.log(v) - a) / (b - a);
  }
  return max === min ? 0.5 : (v - min) / (max - min);
}

function categoricalPosition(index: number, n: number): number {
  return n <= 1 ? 0.5 : index / (n - 1);
}

export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

/** Round tick values (1, 2, 2.5, 5 × 10^k) inside [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(digits)));
  return out;
}

function numericTicks(min: number, max: number, log: boolean): { at: number; label: string }[] {
  if (min === max) return [{ at: 0.5, label: formatTick(min) }];
  if (log && min > 0) {
    const lo = Math.log10(min);
    const hi = Math.log10(max);
    const vals: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
      for (const m of hi - lo > 3 ? [1] : [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) vals.push(v);
      }
    if (vals.length >= 2) return vals.map((v) => ({ at: (Math.log10(v) - lo) / (hi - lo), label: formatTick(v) }));
  }
  return niceTicks(min, max).map((v) => ({ at: (v - min) / (max - min), label: formatTick(v) }));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/**
 * Normalises every parameter axis (and a final metric axis) to [0, 1]: numeric linearly or on a
 * log scale, categorical by the index of the value. `quality` orders lines from worst (0) to best (1).
 */
export function prepareParallel(parallel: SweepAnalysisDto["parallel"], metric: { name: string; goal: Goal }): ParallelData {
  const dims: Dimension[] = parallel.dimensions;
  const rows: ParallelRow[] = parallel.rows.filter((r) => Number.isFinite(r.value));
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const r of rows) {
    vmin = Math.min(vmin, r.value);
    vmax = Math.max(vmax, r.value);
  }
  const axes: ParallelAxis[] = dims.map((d) => {
    if (d.kind === "categorical") {
      const values = d.values ?? [];
      return {
        key: d.key,
        label: d.key,
        kind: "categorical",
        log: false,
        ticks: values.map((v, i) => ({ at: categoricalPosition(i, values.length), label: v })),
        min: null,
        max: null,
        values,
      };
    }
    const min = d.min ?? 0;
    const max = d.max ?? 0;
    const log = d.log && min > 0;
    return { key: d.key, label: d.key, kind: "numeric", log, ticks: numericTicks(min, max, log), min, max, values: null };
  });
  const hasRows = rows.length > 0;
  axes.push({
    key: METRIC_AXIS,
    label: metric.name,
    kind: "numeric",
    log: false,
    ticks: hasRows ? numericTicks(vmin, vmax, false) : [],
    min: hasRows ? vmin : null,
    max: hasRows ? vmax : null,
    values: null,
  });
  const catIndex = dims.map((d) => (d.kind === "categorical" ? new Map((d.values ?? []).map((v, i) => [v, i])) : null));
  const lines: ParallelLine[] = rows.map((r) => {
    const ys = dims.map((d, i): number | null => {
      const v = r.params[d.key];
      if (v === null || v === undefined) return null;
      if (d.kind === "categorical") {
        const idx = catIndex[i]!.get(String(v));
        return idx === undefined ? null : categoricalPosition(idx, d.values?.length ?? 0);
      }
      if (typeof v !== "number") return null;
      return clamp01(numericPosition(v, d.min ?? v, d.max ?? v, d.log));
    });
    const valuePos = numericPosition(r.value, vmin, vmax, false);
    ys.push(valuePos);
    return { id: r.id, number: r.number, value: r.value, ys, quality: metric.goal === "minimize" ? 1 - valuePos : valuePos };
  });
  // Best lines last, so they are drawn on top.
  lines.sort((a, b) => a.quality - b.quality || a.number - b.number);
  return { axes, lines };
}

/** A brush on an axis: the kept interval of normalised positions, [low, high]. */
export type Brushes = Record<number, [number, number]>;

/** The lines that pass every brush (a line without a value on a brushed axis is dropped). */
export function filterByBrushes(lines: readonly ParallelLine[], brushes: Brushes): ParallelLine[] {
  const active = Object.entries(brushes).map(([k, [a, b]]) => [Number(k), Math.min(a, b), Math.max(a, b)] as const);
  if (active.length === 0) return lines.slice();
  return lines.filter((l) =>
    active.every(([axis, lo, hi]) => {
      const y = l.ys[axis];
      return y !== null && y !== undefined && y >= lo - 1e-9 && y <= hi + 1e-9;
    }),
  );
}

/** The value range a brush on a numeric axis stands for (for the read-out and the metric filter). */
export function brushValueRange(axis: ParallelAxis, [a, b]: [number, number]): [number, number] | null {
  if (axis.kind !== "numeric" || axis.min === null || axis.max === null) return null;
  const at = (t: number) =>
    axis.log && axis.min! > 0 ? Math.exp(Math.log(axis.min!) + t * (Math.log(axis.max!) - Math.log(axis.min!))) : axis.min! + t * (axis.max! - axis.min!);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return [at(lo), at(hi)];
}

// ───────────── parameter importance ─────────────

export interface ImportanceBar {
  param: string;
  /** percent of explained variance, 0..100 */
  percent: number;
  correlation: number | null;
  label: string;
}

export function prepareImportance(importance: SweepAnalysisDto["importance"]): ImportanceBar[] {
  return importance
    .map((i) => ({
      param: i.param,
      percent: Math.round(i.importance * 1000) / 10,
      correlation: i.correlation,
      label: `${(Math.round(i.importance * 1000) / 10).toFixed(1)}%`,
    }))
    .sort((a, b) => b.percent - a.percent || a.param.localeCompare(b.param));
}

// ───────────── slices ─────────────

export interface SlicePoint {
  /** numeric x, or the category's index for categorical params */
  x: number;
  y: number;
  best: boolean;
}

export interface SliceData {
  param: string;
  kind: "numeric" | "categorical";
  log: boolean;
  points: SlicePoint[];
  /** categorical: the category of each x index */
  categories: string[] | null;
  xDomain: [number, number] | null;
}

/**
 * One scatter per parameter (x = the parameter, y = the metric). Categorical x values become
 * indices in `categories` (sorted like the parallel-coordinates axis). The best point of each slice
 * is marked. `maxPoints` keeps the scatter light: an even stride, the best point always kept.
 */
export function prepareSlices(
  slices: SweepAnalysisDto["slices"],
  dims: SweepAnalysisDto["parallel"]["dimensions"],
  goal: Goal,
  maxPoints = 2000,
): SliceData[] {
  const dimByKey = new Map(dims.map((d) => [d.key, d]));
  return slices.map((s) => {
    const dim = dimByKey.get(s.param);
    const valid = s.points.filter(([x, y]) => Number.isFinite(y) && (s.kind === "categorical" || (typeof x === "number" && Number.isFinite(x))));
    let categories: string[] | null = null;
    let mapped: { x: number; y: number }[];
    if (s.kind === "categorical") {
      categories = dim?.values?.slice() ?? [...new Set(valid.map(([x]) => String(x)))].sort();
      for (const [x] of valid) if (!categories.includes(String(x))) categories.push(String(x));
      const index = new Map(categories.map((c, i) => [c, i]));
      mapped = valid.map(([x, y]) => ({ x: index.get(String(x))!, y }));
    } else {
      mapped = valid.map(([x, y]) => ({ x: x as number, y }));
    }
    let bestIdx = -1;
    mapped.forEach((p, i) => {
      if (bestIdx < 0 || isBetter(p.y, mapped[bestIdx].y, goal)) bestIdx = i;
    });
    let points: SlicePoint[] = mapped.map((p, i) => ({ ...p, best: i === bestIdx }));
    if (points.length > maxPoints) {
      const stride = points.length / maxPoints;
      const kept: SlicePoint[] = [];
      for (let i = 0; i < maxPoints; i++) kept.push(points[Math.floor(i * stride)]);
      if (bestIdx >= 0 && !kept.includes(points[bestIdx])) kept[kept.length - 1] = points[bestIdx];
      points = kept;
    }
    let xDomain: [number, number] | null = null;
    if (s.kind === "categorical") xDomain = categories && categories.length ? [-0.5, categories.length - 0.5] : null;
    else if (points.length) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const p of points) {
        lo = Math.min(lo, p.x);
        hi = Math.max(hi, p.x);
      }
      xDomain = [lo, hi];
    }
    const log = Boolean(dim?.log) && s.kind === "numeric" && xDomain !== null && xDomain[0] > 0;
    // A little room at both ends so edge points are not cut in half by the axis.
    if (xDomain && s.kind === "numeric") {
      const [lo, hi] = xDomain;
      if (log) xDomain = [lo / Math.pow(hi / lo, 0.03) || lo, hi * Math.pow(hi / lo, 0.03) || hi];
      else {
        const pad = hi > lo ? (hi - lo) * 0.03 : Math.abs(lo) * 0.1 || 1;
        xDomain = [lo - pad, hi + pad];
      }
    }
    return { param: s.param, kind: s.kind, log, points, categories, xDomain };
  });
}

// ───────────── timeline ─────────────

export type TimelineState = "queued" | "running" | "completed" | "failed" | "stopped" | "cancelled";

export interface TimelineBar {
  id: string;
  number: number;
  status: TrialStatusName;
  state: TimelineState;
  /** ms since epoch */
  queuedAt: number | null;
  start: number;
  end: number;
  /** the trial has not finished: `end` is "now" */
  open: boolean;
  /** row, so trials that overlap in time never share one */
  lane: number;
}

export interface TimelineData {
  bars: TimelineBar[];
  lanes: number;
  domain: [number, number] | null;
  /** most trials running at the same time */
  maxConcurrent: number;
}

export const TIMELINE_STATE: Record<TrialStatusName, TimelineState> = {
  pending: "queued",
  submitting: "queued",
  queued: "queued",
  running: "running",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
  expired: "cancelled",
  stopped: "stopped",
};

/**
 * Bars from start (or submission, for trials that never started) to end (or `now` while open),
 * packed into lanes greedily by start time so overlapping trials stack; shows the parallelism.
 */
export function prepareTimeline(items: SweepAnalysisDto["timeline"]["items"], now: number): TimelineData {
  const raw = items
    .map((t) => {
      const submitted = t.submittedAt ? Date.parse(t.submittedAt) : null;
      const started = t.startedAt ? Date.parse(t.startedAt) : null;
      const finished = t.finishedAt ? Date.parse(t.finishedAt) : null;
      const start = started ?? submitted;
      if (start === null || Number.isNaN(start)) return null;
      const open = finished === null;
      const end = Math.max(start, finished ?? now);
      return {
        id: t.id,
        number: t.number,
        status: t.status,
        state: started === null && open ? "queued" : TIMELINE_STATE[t.status],
        queuedAt: submitted,
        start,
        end,
        open,
        lane: 0,
      } satisfies TimelineBar;
    })
    .filter((b): b is TimelineBar => b !== null)
    .sort((a, b) => a.start - b.start || a.number - b.number);

  const laneEnds: number[] = [];
  let maxConcurrent = 0;
  for (const bar of raw) {
    let lane = laneEnds.findIndex((end) => end <= bar.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(bar.end);
    } else laneEnds[lane] = bar.end;
    bar.lane = lane;
    maxConcurrent = Math.max(maxConcurrent, 1, laneEnds.filter((end) => end > bar.start).length);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of raw) {
    lo = Math.min(lo, b.start);
    hi = Math.max(hi, b.end);
  }
  return { bars: raw, lanes: laneEnds.length, domain: raw.length ? [lo, hi === lo ? lo + 1000 : hi] : null, maxConcurrent };
}

/**
 * A value range rounded outward to `digits` significant digits, for URLs: the low end never
 * rounds up and the high end never rounds down, so the trials at the edges stay inside.
 */
export function roundRangeOutward([lo, hi]: [number, number], digits = 6): [number, number] {
  const step = (x: number) => (x === 0 || !Number.isFinite(x) ? 0 : 10 ** (Math.floor(Math.log10(Math.abs(x))) - (digits - 1)));
  const clean = (x: number) => Number(x.toPrecision(12));
  const sLo = step(lo);
  const sHi = step(hi);
  // The epsilon absorbs division noise (5 / 1e-5 = 500000.00000000006), which would add a step.
  return [sLo ? clean(Math.floor(lo / sLo + 1e-9) * sLo) : lo, sHi ? clean(Math.ceil(hi / sHi - 1e-9) * sHi) : hi];
}
