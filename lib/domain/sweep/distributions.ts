// Per-distribution behaviour with W&B's semantics: sampling, discrete enumeration
// (grid), and the numeric "internal space" the TPE model works in (log space for
// log distributions).
import { canonicalKey } from "./canonical";
import { beta, type Rng } from "@/lib/domain/prng";
import type { LeafParam } from "./types";

export function quantize(x: number, q: number): number {
  const k = Math.round(x / q);
  const v = k * q;
  return Number.isInteger(q) ? v : Number(v.toPrecision(12));
}

function pickWeighted(rng: Rng, probabilities: number[]): number {
  let u = rng.next();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i];
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

export function sampleLeaf(spec: LeafParam, rng: Rng): unknown {
  const U = (lo: number, hi: number) => lo + rng.next() * (hi - lo);
  switch (spec.distribution) {
    case "constant":
      return spec.value;
    case "categorical":
      return spec.values[spec.probabilities ? pickWeighted(rng, spec.probabilities) : rng.int(spec.values.length)];
    case "int_uniform":
      return spec.min + rng.int(spec.max - spec.min + 1);
    case "uniform":
      return U(spec.min, spec.max);
    case "q_uniform":
      return quantize(U(spec.min, spec.max), spec.q);
    case "log_uniform":
      return Math.exp(U(spec.min, spec.max));
    case "log_uniform_values":
      return Math.exp(U(Math.log(spec.min), Math.log(spec.max)));
    case "q_log_uniform":
      return quantize(Math.exp(U(spec.min, spec.max)), spec.q);
    case "q_log_uniform_values":
      return quantize(Math.exp(U(Math.log(spec.min), Math.log(spec.max))), spec.q);
    case "inv_log_uniform":
      return Math.exp(-U(spec.min, spec.max));
    case "inv_log_uniform_values":
      return Math.exp(-U(-Math.log(spec.max), -Math.log(spec.min)));
    case "normal":
      return spec.mu + spec.sigma * rng.normal();
    case "q_normal":
      return quantize(spec.mu + spec.sigma * rng.normal(), spec.q);
    case "log_normal":
      return Math.exp(spec.mu + spec.sigma * rng.normal());
    case "q_log_normal":
      return quantize(Math.exp(spec.mu + spec.sigma * rng.normal()), spec.q);
    case "beta":
      return beta(rng, spec.a, spec.b);
    case "q_beta":
      return quantize(beta(rng, spec.a, spec.b), spec.q);
  }
}

/**
 * Lazily enumerable discrete values of a leaf (grid), or null when continuous.
 * q_uniform enumerates the multiples of q within [min, max], max included, which is
 * what random sampling can produce (W&B's grid uses arange and drops max).
 */
export interface DiscreteDomain {
  count: number;
  at(i: number): unknown;
  indexOf(v: unknown): number;
}

export function discreteDomain(spec: LeafParam): DiscreteDomain | null {
  switch (spec.distribution) {
    case "constant":
      return { count: 1, at: () => spec.value, indexOf: (v) => (canonicalKey(v) === canonicalKey(spec.value) ? 0 : -1) };
    case "categorical": {
      const seen = new Map<string, number>();
      const values: unknown[] = [];
      for (const v of spec.values) {
        const k = canonicalKey(v);
        if (!seen.has(k)) {
          seen.set(k, values.length);
          values.push(v);
        }
      }
      return { count: values.length, at: (i) => values[i], indexOf: (v) => seen.get(canonicalKey(v)) ?? -1 };
    }
    case "int_uniform": {
      const { min, max } = spec;
      return {
        count: max - min + 1,
        at: (i) => min + i,
        indexOf: (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v - min : -1),
      };
    }
    case "q_uniform": {
      const { q } = spec;
      const k0 = Math.ceil(spec.min / q - 1e-9);
      const k1 = Math.floor(spec.max / q + 1e-9);
      return {
        count: Math.max(0, k1 - k0 + 1),
        at: (i) => quantize((k0 + i) * q, q),
        indexOf: (v) => {
          if (typeof v !== "number") return -1;
          const k = Math.round(v / q);
          return Math.abs(k * q - v) <= 1e-9 * Math.max(1, Math.abs(v)) && k >= k0 && k <= k1 ? k - k0 : -1;
        },
      };
    }
    default:
      return null;
  }
}

/** A numeric parameter as TPE sees it: a bounded interval in internal space and the map back to a value. */
export interface NumericSpace {
  low: number;
  high: number;
  toInternal(v: number): number;
  fromInternal(x: number): number;
  /** prior component centre/width in internal space */
  prior: { mu: number; sigma: number };
}

export function numericSpace(spec: LeafParam): NumericSpace | null {
  const id = (x: number) => x;
  const mk = (low: number, high: number, to: (v: number) => number, from: (x: number) => number, prior?: { mu: number; sigma: number }): NumericSpace => ({
    low,
    high,
    toInternal: to,
    fromInternal: (x) => from(Math.min(high, Math.max(low, x))),
    prior: prior ?? { mu: (low + high) / 2, sigma: high - low },
  });
  const q = (f: (x: number) => number, step: number) => (x: number) => quantize(f(x), step);
  switch (spec.distribution) {
    case "constant":
    case "categorical":
      return null;
    case "int_uniform":
      return mk(spec.min - 0.5, spec.max + 0.5, id, (x) => Math.min(spec.max, Math.max(spec.min, Math.round(x))));
    case "uniform":
      return mk(spec.min, spec.max, id, id);
    case "q_uniform":
      return mk(spec.min, spec.max, id, q(id, spec.q));
    case "log_uniform":
      return mk(spec.min, spec.max, Math.log, Math.exp);
    case "log_uniform_values":
      return mk(Math.log(spec.min), Math.log(spec.max), Math.log, Math.exp);
    case "q_log_uniform":
      return mk(spec.min, spec.max, (v) => Math.log(Math.max(v, 1e-300)), q(Math.exp, spec.q));
    case "q_log_uniform_values":
      return mk(Math.log(spec.min), Math.log(spec.max), (v) => Math.log(Math.max(v, 1e-300)), q(Math.exp, spec.q));
    case "inv_log_uniform":
      return mk(spec.min, spec.max, (v) => -Math.log(v), (x) => Math.exp(-x));
    case "inv_log_uniform_values":
      return mk(-Math.log(spec.max), -Math.log(spec.min), (v) => -Math.log(v), (x) => Math.exp(-x));
    case "normal":
      return mk(spec.mu - 4 * spec.sigma, spec.mu + 4 * spec.sigma, id, id, { mu: spec.mu, sigma: spec.sigma });
    case "q_normal":
      return mk(spec.mu - 4 * spec.sigma, spec.mu + 4 * spec.sigma, id, q(id, spec.q), { mu: spec.mu, sigma: spec.sigma });
    case "log_normal":
      return mk(spec.mu - 4 * spec.sigma, spec.mu + 4 * spec.sigma, Math.log, Math.exp, { mu: spec.mu, sigma: spec.sigma });
    case "q_log_normal":
      return mk(spec.mu - 4 * spec.sigma, spec.mu + 4 * spec.sigma, (v) => Math.log(Math.max(v, 1e-300)), q(Math.exp, spec.q), {
        mu: spec.mu,
        sigma: spec.sigma,
      });
    case "beta":
      return mk(0, 1, id, id);
    case "q_beta":
      return mk(0, 1, id, q(id, spec.q));
  }
}

export function describeLeaf(spec: LeafParam): string {
  const list = (vs: unknown[]) => (vs.length <= 8 ? vs.map((v) => JSON.stringify(v)).join(", ") : `${vs.slice(0, 6).map((v) => JSON.stringify(v)).join(", ")}, … (${vs.length} values)`);
  switch (spec.distribution) {
    case "constant":
      return `always ${JSON.stringify(spec.value)}`;
    case "categorical":
      return `one of ${list(spec.values)}${spec.probabilities ? ` with probabilities ${spec.probabilities.join(", ")}` : ""}`;
    case "int_uniform":
      return `integer from ${spec.min} to ${spec.max}`;
    case "uniform":
      return `uniform between ${spec.min} and ${spec.max}`;
    case "q_uniform":
      return `uniform between ${spec.min} and ${spec.max} in steps of ${spec.q}`;
    case "log_uniform":
      return `log-uniform between e^${spec.min} and e^${spec.max}`;
    case "log_uniform_values":
      return `log-uniform between ${spec.min} and ${spec.max}`;
    case "q_log_uniform":
      return `log-uniform between e^${spec.min} and e^${spec.max} in steps of ${spec.q}`;
    case "q_log_uniform_values":
      return `log-uniform between ${spec.min} and ${spec.max} in steps of ${spec.q}`;
    case "inv_log_uniform":
      return `1/x log-uniform: between e^-${spec.max} and e^-${spec.min}`;
    case "inv_log_uniform_values":
      return `inverse log-uniform between ${spec.min} and ${spec.max}`;
    case "normal":
      return `normal(μ=${spec.mu}, σ=${spec.sigma})`;
    case "q_normal":
      return `normal(μ=${spec.mu}, σ=${spec.sigma}) in steps of ${spec.q}`;
    case "log_normal":
      return `log-normal(μ=${spec.mu}, σ=${spec.sigma})`;
    case "q_log_normal":
      return `log-normal(μ=${spec.mu}, σ=${spec.sigma}) in steps of ${spec.q}`;
    case "beta":
      return `beta(a=${spec.a}, b=${spec.b})`;
    case "q_beta":
      return `beta(a=${spec.a}, b=${spec.b}) in steps of ${spec.q}`;
  }
}
