import { describe, expect, it } from "vitest";
import { BRANIN_MIN, braninConfig, runBraninSweep } from "./branin.fixture";
import { canonicalKey } from "./canonical";
import { configToRaw } from "./config-views";
import { parseSweepConfigOrThrow } from "./parse-config";
import { gridPoints } from "./search-space";
import { createSuggester } from "./suggest";
import type { Params, TrialResult } from "./types";

const done = (params: Params, value: number | null = 1): TrialResult => ({ params, value, status: "completed" });
const keys = (ps: Params[]) => ps.map(canonicalKey);

describe("grid suggester", () => {
  const config = parseSweepConfigOrThrow(`method: grid
metric: {name: loss}
parameters:
  a: {values: [1, 2, 3]}
  b: {values: [x, y]}
  opt: {parameters: {m: {values: [0.9, 0.99]}, eps: {value: 1e-8}}}
`);

  it("hands out every combination exactly once across incremental calls of varying size", () => {
    const s = createSuggester(config);
    const history: TrialResult[] = [];
    for (const n of [1, 3, 2, 5, 4, 10]) for (const p of s.suggest(history, n)) history.push({ params: p, value: null, status: "running" });
    expect(history).toHaveLength(12);
    expect(new Set(keys(history.map((t) => t.params))).size).toBe(12);
    expect(keys(history.map((t) => t.params))).toEqual(keys(gridPoints(config)));
    expect(s.suggest(history, 5)).toEqual([]);
  });

  it("fills holes left in any order, never repeating a trial of any status", () => {
    const all = gridPoints(config);
    const history: TrialResult[] = [
      { params: all[5], value: null, status: "failed" },
      { params: all[0], value: null, status: "pending" },
      { params: all[2], value: 3, status: "completed" },
      { params: { a: 99, b: "x", opt: { m: 0.9, eps: 1e-8 } }, value: 1, status: "completed" }, // not a grid point: ignored
    ];
    const next = createSuggester(config).suggest(history, 100);
    expect(keys(next)).toEqual(keys(all.filter((_, i) => ![0, 2, 5].includes(i))));
  });
});

describe("random suggester", () => {
  const config = parseSweepConfigOrThrow({
    method: "random",
    parameters: { lr: { distribution: "log_uniform_values", min: 1e-5, max: 1e-1 }, bs: { values: [16, 32, 64] }, opt: { parameters: { m: { min: 0.8, max: 0.99 } } } },
  });

  const run = (seed: number, batches: number[]) => {
    const s = createSuggester(config, { seed });
    const h: TrialResult[] = [];
    for (const n of batches) for (const p of s.suggest(h, n)) h.push(done(p));
    return h.map((t) => t.params);
  };

  it("is reproducible for a seed, whatever the batching", () => {
    const a = run(7, [10]);
    expect(run(7, [10])).toEqual(a);
    expect(run(7, [1, 2, 3, 4])).toEqual(a);
    expect(run(8, [10])).not.toEqual(a);
  });

  it("draws within the bounds, nested params as objects", () => {
    for (const p of run(1, [50])) {
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr as number).toBeLessThanOrEqual(1e-1);
      expect([16, 32, 64]).toContain(p.bs);
      const m = (p.opt as { m: number }).m;
      expect(m).toBeGreaterThanOrEqual(0.8);
      expect(m).toBeLessThanOrEqual(0.99);
    }
  });

  it("takes the seed from config.sweepwatch.seed when no option is given", () => {
    const seeded = parseSweepConfigOrThrow({ ...configToRaw(config), sweepwatch: { seed: 7 } });
    expect(createSuggester(seeded).suggest([], 3)).toEqual(createSuggester(config, { seed: 7 }).suggest([], 3));
  });

  it("in a finite space, never repeats and stops when exhausted", () => {
    const small = parseSweepConfigOrThrow({ method: "random", parameters: { a: { values: [1, 2, 3] }, b: { min: 1, max: 2 } } });
    const s = createSuggester(small, { seed: 3 });
    const h: TrialResult[] = [];
    for (let i = 0; i < 10; i++) for (const p of s.suggest(h, 1)) h.push(done(p));
    expect(h).toHaveLength(6);
    expect(new Set(keys(h.map((t) => t.params))).size).toBe(6);
  });
});

describe("bayes (TPE) suggester", () => {
  it("reaches a better best Branin value than random search on average (10 seeds x 40 trials)", () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const random = seeds.map((s) => runBraninSweep("random", s, 40));
    const bayes = seeds.map((s) => runBraninSweep("bayes", s, 40));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(bayes)).toBeLessThan(mean(random));
    expect(bayes.filter((b, i) => b < random[i]).length).toBeGreaterThanOrEqual(6);
    expect(Math.min(...bayes)).toBeGreaterThanOrEqual(BRANIN_MIN - 1e-9);
  });

  it("also wins when 4 trials are in flight at a time", () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(seeds.map((s) => runBraninSweep("bayes", s, 40, 4)))).toBeLessThan(mean(seeds.map((s) => runBraninSweep("random", s, 40, 4))));
  });

  it("the univariate variant (one estimator per parameter) beats random too", () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const uni = seeds.map((s) => runBraninSweep("bayes", s, 40, 1, { tpe: { multivariate: false } }));
    expect(mean(uni)).toBeLessThan(mean(seeds.map((s) => runBraninSweep("random", s, 40))));
  });

  it("learns categorical and log-scale parameters together", () => {
    const cfg = parseSweepConfigOrThrow({
      method: "bayes",
      metric: { name: "loss", goal: "minimize" },
      parameters: {
        opt: { values: ["sgd", "adam", "rmsprop", "adagrad"] },
        lr: { distribution: "log_uniform_values", min: 1e-6, max: 1 },
      },
    });
    // best: adam at lr = 1e-3
    const loss = (p: Params) => (Math.log10(p.lr as number) + 3) ** 2 + (p.opt === "adam" ? 0 : 4);
    const tail = { bayes: 0, random: 0 };
    for (const method of ["bayes", "random"] as const) {
      for (let seed = 1; seed <= 5; seed++) {
        const s = createSuggester({ ...cfg, method }, { seed });
        const h: TrialResult[] = [];
        while (h.length < 40) for (const p of s.suggest(h, 1)) h.push(done(p, loss(p)));
        tail[method] += h.slice(30).filter((t) => t.params.opt === "adam" && Math.abs(Math.log10(t.params.lr as number) + 3) < 1).length;
      }
    }
    // out of 50 late trials, random lands ~1/4 * 1/3 of the time; TPE should do much better
    expect(tail.bayes).toBeGreaterThan(2 * tail.random);
    expect(tail.bayes).toBeGreaterThanOrEqual(20);
  });

  it("is deterministic for a seed and history", () => {
    const history: TrialResult[] = Array.from({ length: 15 }, (_, i) => done({ x1: i - 5, x2: i }, (i - 7) ** 2));
    const a = createSuggester(braninConfig("bayes"), { seed: 5 }).suggest(history, 3);
    expect(createSuggester(braninConfig("bayes"), { seed: 5 }).suggest(history, 3)).toEqual(a);
  });

  it("concentrates near good observations, and honours maximize", () => {
    const cfg = (goal: "minimize" | "maximize") =>
      parseSweepConfigOrThrow({ method: "bayes", metric: { name: "m", goal }, parameters: { x: { distribution: "uniform", min: 0, max: 100 } } });
    // value = x: the minimum is at 0, the maximum at 100.
    const history = Array.from({ length: 30 }, (_, i) => done({ x: (i * 37) % 100 + 0.5 }, (i * 37) % 100 + 0.5));
    const lo = createSuggester(cfg("minimize"), { seed: 1 }).suggest(history, 5).map((p) => p.x as number);
    const hi = createSuggester(cfg("maximize"), { seed: 1 }).suggest(history, 5).map((p) => p.x as number);
    expect(Math.max(...lo)).toBeLessThan(50);
    expect(Math.min(...hi)).toBeGreaterThan(50);
  });

  it("does not propose a pending trial again in a discrete space, and stops when all are taken", () => {
    const cfg = parseSweepConfigOrThrow({ method: "bayes", metric: { name: "m" }, parameters: { a: { values: [1, 2, 3, 4] }, b: { values: ["x", "y"] } } });
    const s = createSuggester(cfg, { seed: 2, nStartup: 2 });
    const history: TrialResult[] = [done({ a: 1, b: "x" }, 0.1), done({ a: 4, b: "y" }, 5)];
    // best point neighbourhood is a=1,b=x, already used; pending points must not come back either
    history.push({ params: { a: 1, b: "y" }, value: null, status: "pending" });
    const next = s.suggest(history, 10);
    expect(next).toHaveLength(5);
    const all = keys([...history.map((t) => t.params), ...next]);
    expect(new Set(all).size).toBe(8);
  });

  it("uses random trials during start-up and treats failures as bad", () => {
    const cfg = braninConfig("bayes");
    const rand = createSuggester({ ...cfg, method: "random" }, { seed: 9 });
    const bayes = createSuggester(cfg, { seed: 9 });
    // with no completed trials TPE cannot run: identical to the random stream
    expect(bayes.suggest([], 5)).toEqual(rand.suggest([], 5));
    const failed: TrialResult[] = Array.from({ length: 12 }, (_, i) => ({ params: { x1: i - 5, x2: i }, value: null, status: "failed" }));
    expect(bayes.suggest(failed, 2)).toHaveLength(2);
  });
});
