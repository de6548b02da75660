import { describe, expect, it } from "vitest";
import { parseSweepConfigOrThrow } from "./parse-config";
import { expandSearchSpace, gridPoints } from "./search-space";
import { createRng } from "@/lib/domain/prng";
import { sampleLeaf } from "./distributions";
import type { LeafParam } from "./types";

describe("expandSearchSpace / gridPoints", () => {
  const grid = parseSweepConfigOrThrow(`method: grid
parameters:
  optimizer:
    parameters:
      name: {values: [adam, sgd]}
      momentum: {value: 0.9}
  batch: {values: [16, 32, 64]}
  layers: {distribution: int_uniform, min: 1, max: 2}
  drop: {distribution: q_uniform, min: 0, max: 0.5, q: 0.25}
`);

  it("lists every parameter with kind and description, and the grid size", () => {
    const s = expandSearchSpace(grid);
    expect(s.gridSize).toBe(2 * 3 * 2 * 3);
    expect(s.parameters.map((p) => [p.path, p.kind, p.count])).toEqual([
      ["batch", "discrete", 3],
      ["drop", "discrete", 3],
      ["layers", "discrete", 2],
      ["optimizer.momentum", "constant", 1],
      ["optimizer.name", "discrete", 2],
    ]);
    expect(s.parameters[1].description).toBe("uniform between 0 and 0.5 in steps of 0.25");
  });

  it("grid points: cartesian product in sorted-path order, last varying fastest, nested as objects", () => {
    const pts = gridPoints(grid);
    expect(pts).toHaveLength(36);
    expect(pts[0]).toEqual({ batch: 16, drop: 0, layers: 1, optimizer: { momentum: 0.9, name: "adam" } });
    expect(pts[1]).toEqual({ batch: 16, drop: 0, layers: 1, optimizer: { momentum: 0.9, name: "sgd" } });
    expect(pts[2]).toEqual({ batch: 16, drop: 0, layers: 2, optimizer: { momentum: 0.9, name: "adam" } });
    expect(pts[35]).toEqual({ batch: 64, drop: 0.5, layers: 2, optimizer: { momentum: 0.9, name: "sgd" } });
    expect(new Set(pts.map((p) => JSON.stringify(p))).size).toBe(36);
    // deterministic: same order twice, and independent of key order in the config
    const reordered = parseSweepConfigOrThrow({ method: "grid", parameters: Object.fromEntries(Object.entries(grid.parameters).reverse()) });
    expect(gridPoints(reordered)).toEqual(pts);
  });

  it("continuous parameters make the space infinite (gridSize null, no combinations)", () => {
    const c = parseSweepConfigOrThrow({ method: "random", parameters: { a: { values: [1, 2] }, lr: { distribution: "uniform", min: 0, max: 1 } } });
    const s = expandSearchSpace(c);
    expect(s.gridSize).toBeNull();
    expect(s.combinations).toBeUndefined();
    expect(s.parameters.find((p) => p.path === "lr")?.kind).toBe("continuous");
    expect(() => gridPoints(c)).toThrow(/continuous parameters lr/);
  });

  it("duplicate values count once", () => {
    const c = parseSweepConfigOrThrow({ method: "grid", parameters: { a: { values: [1, 2, 1] } } });
    expect(expandSearchSpace(c).gridSize).toBe(2);
  });

  it("huge grids are counted, not enumerated", () => {
    const c = parseSweepConfigOrThrow({ method: "grid", parameters: { a: { min: 1, max: 100000 }, b: { min: 1, max: 100000 } } });
    expect(expandSearchSpace(c).gridSize).toBe(1e10);
    expect(() => gridPoints(c)).toThrow(/1000000|iterate/);
  });
});

describe("sampling follows W&B semantics", () => {
  const draw = (spec: LeafParam, n = 2000) => {
    const rng = createRng(7);
    return Array.from({ length: n }, () => sampleLeaf(spec, rng) as number);
  };
  const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];

  it("log_uniform takes exponents, log_uniform_values takes values", () => {
    const [lo, hi] = range(draw({ distribution: "log_uniform", min: -2, max: 0 }));
    expect(lo).toBeGreaterThanOrEqual(Math.exp(-2));
    expect(hi).toBeLessThanOrEqual(1);
    const vals = draw({ distribution: "log_uniform_values", min: 1e-4, max: 1e-1 });
    expect(range(vals)[0]).toBeGreaterThanOrEqual(1e-4);
    expect(range(vals)[1]).toBeLessThanOrEqual(1e-1);
    // log-uniform: about a third of the draws per decade
    const perDecade = vals.filter((v) => v < 1e-3).length / vals.length;
    expect(perDecade).toBeGreaterThan(0.28);
    expect(perDecade).toBeLessThan(0.39);
  });

  it("inv_log_uniform(_values) stay within their bounds", () => {
    const [lo, hi] = range(draw({ distribution: "inv_log_uniform", min: 1, max: 3 }));
    expect(lo).toBeGreaterThanOrEqual(Math.exp(-3));
    expect(hi).toBeLessThanOrEqual(Math.exp(-1));
    const r2 = range(draw({ distribution: "inv_log_uniform_values", min: 0.01, max: 0.5 }));
    expect(r2[0]).toBeGreaterThanOrEqual(0.01);
    expect(r2[1]).toBeLessThanOrEqual(0.5);
  });

  it("int_uniform covers min..max inclusive; q_log_uniform_values gives multiples of q", () => {
    expect(new Set(draw({ distribution: "int_uniform", min: 1, max: 3 }))).toEqual(new Set([1, 2, 3]));
    const q = draw({ distribution: "q_log_uniform_values", min: 32, max: 256, q: 8 });
    expect(q.every((v) => v % 8 === 0 && v >= 32 && v <= 256)).toBe(true);
  });

  it("categorical probabilities are honoured", () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 4000 }, () => sampleLeaf({ distribution: "categorical", values: ["a", "b"], probabilities: [0.1, 0.9] }, rng));
    const share = xs.filter((x) => x === "a").length / xs.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it("normal has the configured mean and spread; beta stays in [0, 1]", () => {
    const xs = draw({ distribution: "normal", mu: 5, sigma: 2 }, 5000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(5, 0);
    expect(sd).toBeGreaterThan(1.85);
    expect(sd).toBeLessThan(2.15);
    const b = draw({ distribution: "beta", a: 2, b: 5 });
    expect(range(b)[0]).toBeGreaterThanOrEqual(0);
    expect(range(b)[1]).toBeLessThanOrEqual(1);
    expect(b.reduce((a, c) => a + c, 0) / b.length).toBeCloseTo(2 / 7, 1);
  });
});
