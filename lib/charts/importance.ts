/**
 * Parameter importance the way Optuna and W&B users read it: fit a random forest to (parameters → metric)
 * and measure, per parameter, how much the forest's out-of-bag error grows when that parameter's values
 * are shuffled (permutation importance, Breiman 2001). Unlike per-parameter variance shares it ranks a
 * dominating parameter far above a weak one, and it sees interactions. Pure and seeded: same input, same answer.
 */

export const IMPORTANCE_METHOD = "permutation importance on a random forest (out-of-bag error increase)";

export interface ForestOptions {
  trees?: number;
  maxDepth?: number;
  minLeaf?: number;
  seed?: number;
  /** Rows beyond this are evenly subsampled (the forest's cost grows with n log n per node). */
  maxRows?: number;
}

type Node = { leaf: number } | { f: number; t: number; l: Node; r: Node };

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mean(y: number[], idx: number[]): number {
  let s = 0;
  for (const i of idx) s += y[i];
  return s / idx.length;
}

function grow(X: number[][], y: number[], idx: number[], depth: number, o: Required<ForestOptions>): Node {
  if (depth >= o.maxDepth || idx.length < 2 * o.minLeaf) return { leaf: mean(y, idx) };
  const p = X[0].length;
  let best: { f: number; t: number; sse: number } | null = null;
  let total = 0;
  let totalSq = 0;
  for (const i of idx) {
    total += y[i];
    totalSq += y[i] * y[i];
  }
  const parentSse = totalSq - (total * total) / idx.length;
  if (parentSse <= 1e-12) return { leaf: total / idx.length };
  for (let f = 0; f < p; f++) {
    const sorted = idx.slice().sort((a, b) => X[a][f] - X[b][f]);
    let ls = 0;
    let lsq = 0;
    for (let k = 0; k < sorted.length - 1; k++) {
      const v = y[sorted[k]];
      ls += v;
      lsq += v * v;
      const nl = k + 1;
      const nr = sorted.length - nl;
      if (nl < o.minLeaf || nr < o.minLeaf) continue;
      const a = X[sorted[k]][f];
      const b = X[sorted[k + 1]][f];
      if (a === b) continue;
      const rs = total - ls;
      const rsq = totalSq - lsq;
      const sse = lsq - (ls * ls) / nl + (rsq - (rs * rs) / nr);
      if (!best || sse < best.sse) best = { f, t: (a + b) / 2, sse };
    }
  }
  if (!best || best.sse >= parentSse - 1e-12) return { leaf: total / idx.length };
  const left = idx.filter((i) => X[i][best.f] <= best.t);
  const right = idx.filter((i) => X[i][best.f] > best.t);
  return { f: best.f, t: best.t, l: grow(X, y, left, depth + 1, o), r: grow(X, y, right, depth + 1, o) };
}

/** Prediction for row x, with column `col` (if >= 0) read as `v` instead: permutation without copying rows. */
function predict(n: Node, x: number[], col = -1, v = 0): number {
  let cur = n;
  while (!("leaf" in cur)) cur = (cur.f === col ? v : x[cur.f]) <= cur.t ? cur.l : cur.r;
  return cur.leaf;
}

/**
 * Importance of each column of X for y, normalised to sum to 1 (all zeros when nothing can be learned:
 * fewer than 8 rows, a constant metric, or a forest no better than the mean).
 * X holds numbers; encode categories as their index and missing values as -Infinity.
 */
export function forestImportance(X: number[][], y: number[], opts: ForestOptions = {}): number[] {
  const o: Required<ForestOptions> = { trees: 32, maxDepth: 8, minLeaf: 2, seed: 1, maxRows: 800, ...opts };
  const p = X[0]?.length ?? 0;
  const zeros = new Array<number>(p).fill(0);
  if (X.length < 8 || p === 0) return zeros;
  if (X.length > o.maxRows) {
    const step = X.length / o.maxRows;
    const keep = Array.from({ length: o.maxRows }, (_, k) => Math.floor(k * step));
    X = keep.map((i) => X[i]);
    y = keep.map((i) => y[i]);
  }
  const n = X.length;
  const rand = rng(o.seed);
  const forest: { tree: Node; oob: number[] }[] = [];
  for (let t = 0; t < o.trees; t++) {
    const inBag = new Uint8Array(n);
    const sample: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rand() * n);
      sample.push(i);
      inBag[i] = 1;
    }
    const oob: number[] = [];
    for (let i = 0; i < n; i++) if (!inBag[i]) oob.push(i);
    forest.push({ tree: grow(X, y, sample, 0, o), oob });
  }
  const oobError = (col: number | null, perm: number[] | null): number => {
    let se = 0;
    let count = 0;
    const sum = new Float64Array(n);
    const cnt = new Uint16Array(n);
    for (const { tree, oob } of forest)
      for (const i of oob) {
        sum[i] += col === null ? predict(tree, X[i]) : predict(tree, X[i], col, X[perm![i]][col]);
        cnt[i]++;
      }
    for (let i = 0; i < n; i++)
      if (cnt[i]) {
        se += (sum[i] / cnt[i] - y[i]) ** 2;
        count++;
      }
    return count ? se / count : 0;
  };
  const base = oobError(null, null);
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  const variance = y.reduce((s, v) => s + (v - yMean) ** 2, 0) / n;
  if (variance === 0 || base >= variance) return zeros;
  const raw = zeros.map((_, f) => {
    let inc = 0;
    const repeats = 2;
    for (let r = 0; r < repeats; r++) {
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      inc += oobError(f, perm) - base;
    }
    return Math.max(0, inc / repeats);
  });
  const total = raw.reduce((s, v) => s + v, 0);
  return total > 0 ? raw.map((v) => v / total) : zeros;
}
