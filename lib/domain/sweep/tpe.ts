// Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate, as in
// hyperopt/Optuna: split observations at a quantile into good (l) and bad (g),
// fit a Parzen estimator per parameter, draw candidates from l, keep the one with
// the highest l(x)/g(x).
import { canonicalKey } from "./canonical";
import { numericSpace, type NumericSpace } from "./distributions";
import type { Rng } from "@/lib/domain/prng";
import { getAtSegments, setAtSegments, type FlatParam } from "./search-space";
import type { CategoricalParam, Params } from "./types";

export interface TpeOptions {
  /** fraction of observations counted as good */
  gamma: number;
  /** cap on the good set, as in Optuna */
  maxGood: number;
  /** candidates drawn from l(x) per suggestion */
  nCandidates: number;
  /** weight of the prior component of each estimator */
  priorWeight: number;
  /** joint kernels over all parameters (Optuna's multivariate TPE) instead of one estimator per parameter */
  multivariate: boolean;
  /** bad observations beyond this are thinned (evenly over their ranking) to bound the cost of g(x) */
  maxBad: number;
}

export const TPE_DEFAULTS: TpeOptions = { gamma: 0.25, maxGood: 25, nCandidates: 24, priorWeight: 1, multivariate: true, maxBad: 1000 };

export interface Observation {
  params: Params;
  /** lower is better; +Infinity for failed or in-flight trials counted as bad */
  loss: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for mixture weights.
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));

function logSumExp(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

interface Estimator {
  sample(rng: Rng): unknown;
  logPdf(v: unknown): number;
}

class TruncatedMixture {
  private readonly logNorm: number[];
  private readonly logW: number[];
  constructor(
    readonly mus: number[],
    readonly sigmas: number[],
    readonly weights: number[],
    readonly low: number,
    readonly high: number,
  ) {
    const total = weights.reduce((a, b) => a + b, 0);
    this.logW = weights.map((w) => Math.log(w / total));
    this.logNorm = mus.map((mu, i) => {
      const mass = Phi((high - mu) / sigmas[i]) - Phi((low - mu) / sigmas[i]);
      return Math.log(Math.max(mass, 1e-12));
    });
  }

  sample(rng: Rng): number {
    let u = rng.next();
    let k = 0;
    const total = this.weights.reduce((a, b) => a + b, 0);
    for (; k < this.weights.length - 1; k++) {
      u -= this.weights[k] / total;
      if (u < 0) break;
    }
    for (let tries = 0; tries < 64; tries++) {
      const x = this.mus[k] + this.sigmas[k] * rng.normal();
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, this.mus[k]));
  }

  logPdf(x: number): number {
    const terms = this.mus.map((mu, k) => {
      const z = (x - mu) / this.sigmas[k];
      return this.logW[k] - 0.5 * z * z - LOG_SQRT_2PI - Math.log(this.sigmas[k]) - this.logNorm[k];
    });
    return logSumExp(terms);
  }
}

function numericEstimator(space: NumericSpace, xs: number[], priorWeight: number): Estimator & { sampleInternal(rng: Rng): number } {
  const { low, high } = space;
  const width = high - low;
  const pts = xs.map((x) => Math.min(high, Math.max(low, x)));
  // hyperopt's bandwidths: distance to the farther neighbour (prior mean included), clipped.
  const all = [...pts.map((x, i) => ({ x, i })), { x: space.prior.mu, i: -1 }].sort((a, b) => a.x - b.x);
  const minSigma = width / Math.min(100, 1 + pts.length);
  const sig = new Array<number>(pts.length);
  all.forEach((p, j) => {
    if (p.i < 0) return;
    const left = j > 0 ? p.x - all[j - 1].x : p.x - low;
    const right = j < all.length - 1 ? all[j + 1].x - p.x : high - p.x;
    sig[p.i] = Math.min(width, Math.max(minSigma, left, right));
  });
  const mix = new TruncatedMixture(
    [space.prior.mu, ...pts],
    [space.prior.sigma, ...sig],
    [priorWeight, ...pts.map(() => 1)],
    low,
    high,
  );
  return {
    sampleInternal: (rng) => mix.sample(rng),
    sample: (rng) => space.fromInternal(mix.sample(rng)),
    logPdf: (v) => mix.logPdf(typeof v === "number" ? v : NaN),
  };
}

function categoricalEstimator(spec: CategoricalParam, values: unknown[], priorWeight: number): Estimator {
  const index = new Map<string, number>();
  spec.values.forEach((v, i) => {
    const k = canonicalKey(v);
    if (!index.has(k)) index.set(k, i);
  });
  const n = spec.values.length;
  const prior = spec.probabilities ?? spec.values.map(() => 1 / n);
  const w = prior.map((p) => p * n * priorWeight);
  for (const v of values) {
    const i = index.get(canonicalKey(v));
    if (i !== undefined) w[i] += 1;
  }
  const total = w.reduce((a, b) => a + b, 0);
  const logP = w.map((x) => Math.log(x / total));
  return {
    sample(rng) {
      let u = rng.next() * total;
      for (let i = 0; i < n; i++) {
        u -= w[i];
        if (u < 0) return spec.values[i];
      }
      return spec.values[n - 1];
    },
    logPdf(v) {
      const i = index.get(canonicalKey(v));
      return i === undefined ? -Infinity : logP[i];
    },
  };
}

interface ParamModel {
  flat: FlatParam;
  space: NumericSpace | null;
  l: Estimator & { sampleInternal?(rng: Rng): number };
  g: Estimator;
}

function values(flat: FlatParam, obs: Observation[]): unknown[] {
  const out: unknown[] = [];
  for (const o of obs) {
    const got = getAtSegments(o.params, flat.segments);
    if (got.found) out.push(got.value);
  }
  return out;
}

/**
 * Proposes one point from observations (losses already sign-adjusted for the goal).
 * `isUsed` rejects candidates equal to existing or batch-mate trials.
 * Returns null when every candidate was a duplicate.
 */
export function tpeSuggest(flat: FlatParam[], observations: Observation[], rng: Rng, isUsed: (p: Params) => boolean, opts: TpeOptions = TPE_DEFAULTS): Params | null {
  const sorted = [...observations].sort((a, b) => a.loss - b.loss);
  const finite = sorted.filter((o) => Number.isFinite(o.loss)).length;
  const nGood = Math.max(1, Math.min(opts.maxGood, Math.ceil(opts.gamma * finite)));
  const good = sorted.slice(0, nGood);
  const bad = thin(sorted.slice(nGood), opts.maxBad);
  if (opts.multivariate) return multivariateSuggest(flat, good, bad, rng, isUsed, opts);

  const models: ParamModel[] = [];
  for (const f of flat) {
    if (f.spec.distribution === "constant") continue;
    if (f.spec.distribution === "categorical") {
      models.push({
        flat: f,
        space: null,
        l: categoricalEstimator(f.spec, values(f, good), opts.priorWeight),
        g: categoricalEstimator(f.spec, values(f, bad), opts.priorWeight),
      });
      continue;
    }
    const space = numericSpace(f.spec)!;
    const internal = (obs: Observation[]) =>
      values(f, obs)
        .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
        .map((v) => space.toInternal(v))
        .filter((x) => Number.isFinite(x));
    models.push({
      flat: f,
      space,
      l: numericEstimator(space, internal(good), opts.priorWeight),
      g: numericEstimator(space, internal(bad), opts.priorWeight),
    });
  }

  let best: { params: Params; score: number } | null = null;
  for (let c = 0; c < opts.nCandidates; c++) {
    const params: Params = {};
    let score = 0;
    for (const f of flat) if (f.spec.distribution === "constant") setAtSegments(params, f.segments, f.spec.value);
    for (const m of models) {
      if (m.space) {
        const x = m.l.sampleInternal!(rng);
        score += m.l.logPdf(x) - m.g.logPdf(x);
        setAtSegments(params, m.flat.segments, m.space.fromInternal(x));
      } else {
        const v = m.l.sample(rng);
        score += m.l.logPdf(v) - m.g.logPdf(v);
        setAtSegments(params, m.flat.segments, v);
      }
    }
    if (isUsed(params)) continue;
    if (!best || score > best.score) best = { params, score };
  }
  return best?.params ?? null;
}

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]);
}

type Dim =
  | { flat: FlatParam; kind: "num"; space: NumericSpace }
  | { flat: FlatParam; kind: "cat"; values: unknown[]; index: Map<string, number>; prior: number[] };

function dimsOf(flat: FlatParam[]): Dim[] {
  const dims: Dim[] = [];
  for (const f of flat) {
    if (f.spec.distribution === "constant") continue;
    if (f.spec.distribution === "categorical") {
      const index = new Map<string, number>();
      f.spec.values.forEach((v, i) => {
        const k = canonicalKey(v);
        if (!index.has(k)) index.set(k, i);
      });
      const n = f.spec.values.length;
      dims.push({ flat: f, kind: "cat", values: f.spec.values, index, prior: f.spec.probabilities ?? f.spec.values.map(() => 1 / n) });
    } else dims.push({ flat: f, kind: "num", space: numericSpace(f.spec)! });
  }
  return dims;
}

/** Observation -> coordinates (internal value or category index per dim), or null when it does not fit the space. */
function coordsOf(dims: Dim[], params: Params): number[] | null {
  const out: number[] = [];
  for (const d of dims) {
    const got = getAtSegments(params, d.flat.segments);
    if (!got.found) return null;
    if (d.kind === "cat") {
      const i = d.index.get(canonicalKey(got.value));
      if (i === undefined) return null;
      out.push(i);
    } else {
      if (typeof got.value !== "number") return null;
      const x = d.space.toInternal(got.value);
      if (!Number.isFinite(x)) return null;
      out.push(Math.min(d.space.high, Math.max(d.space.low, x)));
    }
  }
  return out;
}

/** Mixture of product kernels, one per observation plus the prior (Optuna's multivariate Parzen estimator). */
class JointParzen {
  private readonly comps: { w: number; mus: number[]; logNorm: number[]; cat: number[][] }[] = [];
  private readonly sig: number[];
  private readonly total: number;

  constructor(
    private readonly dims: Dim[],
    points: number[][],
    priorWeight: number,
  ) {
    const n = points.length;
    const D = Math.max(1, dims.filter((d) => d.kind === "num").length);
    this.sig = dims.map((d) => {
      if (d.kind === "cat") return 0;
      const width = d.space.high - d.space.low;
      return Math.max(width / Math.min(100, n + 1), 0.2 * Math.pow(Math.max(n, 1), -1 / (D + 4)) * width);
    });
    const alpha = 1;
    const comp = (w: number, coords: number[] | null) => {
      const mus: number[] = [];
      const logNorm: number[] = [];
      const cat: number[][] = [];
      this.dims.forEach((d, j) => {
        if (d.kind === "cat") {
          const probs = coords === null ? d.prior : d.prior.map((p, c) => (p * alpha + (c === coords[j] ? 1 : 0)) / (1 + alpha));
          cat.push(probs.map((p) => Math.log(Math.max(p, 1e-12))));
          mus.push(0);
          logNorm.push(0);
        } else {
          const mu = coords === null ? d.space.prior.mu : coords[j];
          const s = coords === null ? d.space.prior.sigma : this.sig[j];
          mus.push(mu);
          logNorm.push(Math.log(Math.max(Phi((d.space.high - mu) / s) - Phi((d.space.low - mu) / s), 1e-12)) + Math.log(s) + LOG_SQRT_2PI);
          cat.push([]);
        }
      });
      this.comps.push({ w, mus, logNorm, cat });
    };
    comp(priorWeight, null);
    for (const p of points) comp(1, p);
    this.total = this.comps.reduce((a, c) => a + c.w, 0);
  }

  private sigmaOf(k: number, j: number): number {
    const d = this.dims[j];
    return k === 0 && d.kind === "num" ? d.space.prior.sigma : this.sig[j];
  }

  sample(rng: Rng): number[] {
    let u = rng.next() * this.total;
    let k = 0;
    for (; k < this.comps.length - 1; k++) {
      u -= this.comps[k].w;
      if (u < 0) break;
    }
    const c = this.comps[k];
    return this.dims.map((d, j) => {
      if (d.kind === "cat") {
        let v = rng.next();
        const probs = c.cat[j].map(Math.exp);
        for (let i = 0; i < probs.length; i++) {
          v -= probs[i];
          if (v < 0) return i;
        }
        return probs.length - 1;
      }
      const s = this.sigmaOf(k, j);
      for (let tries = 0; tries < 64; tries++) {
        const x = c.mus[j] + s * rng.normal();
        if (x >= d.space.low && x <= d.space.high) return x;
      }
      return Math.min(d.space.high, Math.max(d.space.low, c.mus[j]));
    });
  }

  logPdf(x: number[]): number {
    const terms = this.comps.map((c, k) => {
      let lp = Math.log(c.w / this.total);
      for (let j = 0; j < this.dims.length; j++) {
        if (this.dims[j].kind === "cat") lp += c.cat[j][x[j]];
        else {
          const z = (x[j] - c.mus[j]) / this.sigmaOf(k, j);
          lp += -0.5 * z * z - c.logNorm[j];
        }
      }
      return lp;
    });
    return logSumExp(terms);
  }
}

function multivariateSuggest(flat: FlatParam[], good: Observation[], bad: Observation[], rng: Rng, isUsed: (p: Params) => boolean, opts: TpeOptions): Params | null {
  const dims = dimsOf(flat);
  const pts = (obs: Observation[]) => obs.map((o) => coordsOf(dims, o.params)).filter((c): c is number[] => c !== null);
  const l = new JointParzen(dims, pts(good), opts.priorWeight);
  const g = new JointParzen(dims, pts(bad), opts.priorWeight);
  let best: { params: Params; score: number } | null = null;
  for (let c = 0; c < opts.nCandidates; c++) {
    const x = l.sample(rng);
    const params: Params = {};
    for (const f of flat) if (f.spec.distribution === "constant") setAtSegments(params, f.segments, f.spec.value);
    dims.forEach((d, j) => setAtSegments(params, d.flat.segments, d.kind === "cat" ? d.values[x[j]] : d.space.fromInternal(x[j])));
    if (isUsed(params)) continue;
    const score = l.logPdf(x) - g.logPdf(x);
    if (!best || score > best.score) best = { params, score };
  }
  return best?.params ?? null;
}
