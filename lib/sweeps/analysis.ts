// Pure preparers for the sweep analysis views: parallel-coordinate dimensions, parameter
// importance (permutation importance on a random forest, lib/charts/importance.ts; eta² and
// Spearman correlation kept as per-parameter context) and slices. Inputs are a bounded sample of completed trials.
import { forestImportance } from "@/lib/charts/importance";
import { canonicalKey, flattenParameters, type ParamNode, type Params } from "@/lib/domain/sweep";
import { getAtSegments } from "@/lib/domain/sweep/search-space";

export type FlatValue = number | string | null;

export interface Dimension {
  key: string;
  kind: "numeric" | "categorical";
  min: number | null;
  max: number | null;
  log: boolean;
  values: string[] | null;
}

export interface Importance {
  param: string;
  importance: number;
  eta2: number;
  correlation: number | null;
}

const LOG_DISTS = new Set(["log_uniform", "log_uniform_values", "q_log_uniform", "q_log_uniform_values", "inv_log_uniform", "inv_log_uniform_values", "log_normal", "q_log_normal"]);

/** Flattened parameter paths of a config (nested params as dotted paths), sorted. */
export function paramPaths(parameters: Record<string, ParamNode>): { path: string; segments: string[]; log: boolean; constant: boolean }[] {
  return flattenParameters(parameters).map((f) => ({ path: f.path, segments: f.segments, log: LOG_DISTS.has(f.spec.distribution), constant: f.spec.distribution === "constant" }));
}

function flatValue(v: unknown): FlatValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string") return v;
  return canonicalKey(v);
}

export function flattenTrialParams(params: Params, paths: { path: string; segments: string[] }[]): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {};
  for (const p of paths) out[p.path] = flatValue(getAtSegments(params, p.segments).value);
  return out;
}

export function buildDimensions(rows: Record<string, FlatValue>[], paths: { path: string; log: boolean }[]): Dimension[] {
  return paths.map((p) => {
    const vals = rows.map((r) => r[p.path]).filter((v): v is number | string => v !== null);
    const numeric = vals.length > 0 && vals.every((v) => typeof v === "number");
    if (numeric) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of vals as number[]) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return { key: p.path, kind: "numeric", min, max, log: p.log && min > 0, values: null };
    }
    const distinct = [...new Set(vals.map(String))].sort();
    return { key: p.path, kind: "categorical", min: null, max: null, log: false, values: distinct };
  });
}

function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k][1]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: number[], b: number[]): number | null {
  const n = a.length;
  if (n < 3) return null;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** eta² = between-group sum of squares / total sum of squares of y over the groups. */
function eta2(groups: number[], y: number[]): number {
  const n = y.length;
  if (n < 2) return 0;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let total = 0;
  for (const v of y) total += (v - mean) ** 2;
  if (total === 0) return 0;
  const sums = new Map<number, { s: number; c: number }>();
  groups.forEach((g, i) => {
    const e = sums.get(g) ?? { s: 0, c: 0 };
    e.s += y[i];
    e.c++;
    sums.set(g, e);
  });
  if (sums.size < 2) return 0;
  let between = 0;
  for (const { s, c } of sums.values()) between += c * (s / c - mean) ** 2;
  // Small-sample correction (like adjusted R²), so many tiny groups do not look important.
  const k = sums.size;
  const adj = 1 - ((1 - between / total) * (n - 1)) / Math.max(1, n - k);
  return Math.max(0, Math.min(1, adj));
}

/**
 * Importance of each parameter for the metric: permutation importance on a random forest
 * (normalised to sum to 1). eta² (numeric params cut into up to 10 quantile bins, categorical ones
 * grouped by value) and the rank correlation stay as per-parameter context.
 */
export function parameterImportance(rows: { flat: Record<string, FlatValue>; value: number }[], dims: Dimension[]): Importance[] {
  const out: Importance[] = [];
  for (const d of dims) {
    const pts = rows.filter((r) => r.flat[d.key] !== null && Number.isFinite(r.value));
    const y = pts.map((r) => r.value);
    if (d.kind === "numeric") {
      const x = pts.map((r) => r.flat[d.key] as number);
      const rx = ranks(x);
      const bins = Math.max(2, Math.min(10, Math.floor(pts.length / 5)));
      const groups = rx.map((r) => Math.min(bins - 1, Math.floor(((r - 1) / Math.max(1, pts.length)) * bins)));
      const corr = pearson(rx, ranks(y));
      out.push({ param: d.key, importance: 0, eta2: eta2(groups, y), correlation: corr === null ? null : Number(corr.toFixed(4)) });
    } else {
      const index = new Map((d.values ?? []).map((v, i) => [v, i]));
      const groups = pts.map((r) => index.get(String(r.flat[d.key])) ?? -1);
      out.push({ param: d.key, importance: 0, eta2: eta2(groups, y), correlation: null });
    }
  }
  const fit = rows.filter((r) => Number.isFinite(r.value));
  const codes = dims.map((d) => new Map((d.values ?? []).map((v, i) => [v, i])));
  const X = fit.map((r) =>
    dims.map((d, j) => {
      const v = r.flat[d.key];
      if (v === null || v === undefined) return -Infinity;
      return d.kind === "numeric" ? (v as number) : (codes[j].get(String(v)) ?? -Infinity);
    }),
  );
  const imp = dims.length ? forestImportance(X, fit.map((r) => r.value)) : [];
  out.forEach((i, j) => {
    i.importance = Number((imp[j] ?? 0).toFixed(4));
    i.eta2 = Number(i.eta2.toFixed(4));
  });
  return out.sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

export function buildSlices(rows: { flat: Record<string, FlatValue>; value: number }[], dims: Dimension[]) {
  return dims.map((d) => ({
    param: d.key,
    kind: d.kind,
    points: rows
      .filter((r) => r.flat[d.key] !== null)
      .map((r) => [d.kind === "numeric" ? (r.flat[d.key] as number) : String(r.flat[d.key]), r.value] as [number | string, number]),
  }));
}
