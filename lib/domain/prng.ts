// Small seeded PRNG (sfc32 seeded through splitmix32): reproducible in Node and the
// browser, no `crypto`. One generator for the sweep samplers and the simulator. Streams are
// derived from (seed, stream ids) so the n-th trial's draws do not depend on how suggestions
// were batched; the simulator derives its streams from string keys (`hashSeed`).

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** uniform in [min, max) */
  range(min: number, max: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  normal(): number;
  /** the raw 32-bit draw behind next() */
  u32(): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mixes integers into one 32-bit seed (order-sensitive). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const sm = splitmix32((h ^ (p >>> 0) ^ Math.floor(p / 0x100000000)) >>> 0);
    h = (sm() ^ Math.imul(h, 0x01000193)) >>> 0;
  }
  return h >>> 0;
}

/** FNV-1a of a string mixed with a seed: a state for `rngFromState`, one stream per key. */
export function hashSeed(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number, ...stream: number[]): Rng {
  return rngFromState(mixSeed(seed, ...stream));
}

/** The generator started from a 32-bit state as given (no mixing). */
export function rngFromState(state: number): Rng {
  const sm = splitmix32(state);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  const u32 = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | null = null;
  const next = () => u32() / 0x100000000;
  return {
    next,
    u32,
    int: (n) => Math.floor(next() * n),
    range: (min, max) => min + next() * (max - min),
    chance: (p) => p > 0 && next() < p,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Gamma(shape, 1) by Marsaglia–Tsang; used for beta draws. */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}
