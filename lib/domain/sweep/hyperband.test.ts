import { describe, expect, it } from "vitest";
import { extractHistory, hyperbandBrackets, hyperbandStopTrials, shouldStop } from "./hyperband";
import type { HyperbandConfig } from "./types";

const hb = (c: Partial<HyperbandConfig>): HyperbandConfig => ({ type: "hyperband", eta: 3, strict: true, ...c });

describe("hyperbandBrackets (W&B semantics)", () => {
  it("max_iter 27, s 2, eta 3 -> [3, 9] (W&B docs example)", () => {
    expect(hyperbandBrackets(hb({ max_iter: 27, s: 2 }))).toEqual([3, 9]);
  });
  it("max_iter stops once a bracket would be below 1", () => {
    expect(hyperbandBrackets(hb({ max_iter: 5, s: 4, eta: 2 }))).toEqual([1, 2]);
  });
  it("min_iter 3, eta 3 -> 3, 9, 27, 81, ...", () => {
    expect(hyperbandBrackets(hb({ min_iter: 3 })).slice(0, 4)).toEqual([3, 9, 27, 81]);
  });
});

describe("shouldStop", () => {
  // The example from wandb/sweeps hyperband_stop_runs: max_iter 5, eta 2, s 2 -> brackets [1, 2].
  const cfg = hb({ max_iter: 5, s: 2, eta: 2, strict: false });
  const runs = {
    a: [10, 9],
    b: [10, 10],
    c: [10, 8, 8],
    d: [10, 7, 7],
    e: [10, 6, 6],
  };
  const others = (name: keyof typeof runs) => Object.entries(runs).filter(([k]) => k !== name).map(([, h]) => h);

  it("stops the trial outside the best 1/eta at its bracket and keeps the others", () => {
    expect(shouldStop(runs.b, others("b"), cfg).stop).toBe(true);
    expect(shouldStop(runs.d, others("d"), cfg).stop).toBe(false);
    const c = shouldStop(runs.c, others("c"), cfg);
    expect(c).toMatchObject({ stop: true, band: 2, threshold: 7, value: 8 });
    expect(c.reason).toMatch(/iteration 2/);
  });

  it("does nothing before the first bracket", () => {
    expect(shouldStop([100], [[1, 1, 1]], cfg)).toMatchObject({ stop: false });
  });

  it("maximize flips the comparison", () => {
    const flipped = Object.fromEntries(Object.entries(runs).map(([k, h]) => [k, h.map((v) => -v)])) as typeof runs;
    const oth = Object.entries(flipped).filter(([k]) => k !== "b").map(([, h]) => h);
    expect(shouldStop(flipped.b, oth, cfg, "maximize").stop).toBe(true);
    expect(shouldStop(flipped.e, Object.entries(flipped).filter(([k]) => k !== "e").map(([, h]) => h), cfg, "maximize").stop).toBe(false);
  });

  it("strict compares the value at the bracket, lenient the best so far", () => {
    const early = [1, 20, 20]; // was great at iteration 0, bad at bracket 2
    const pool = [
      [5, 5, 5],
      [5, 4, 4],
      [5, 3, 3],
    ];
    const c = { max_iter: 8, s: 2, eta: 2 };
    expect(shouldStop(early, pool, hb({ ...c, strict: true })).stop).toBe(true);
    expect(shouldStop(early, pool, hb({ ...c, strict: false })).stop).toBe(false);
  });

  it("hyperbandStopTrials only stops running trials", () => {
    const trials = Object.entries(runs).map(([id, history]) => ({ id, history, status: id === "a" || id === "e" ? "completed" : "running" }));
    expect(hyperbandStopTrials(trials, cfg).map((t) => t.id)).toEqual(["b", "c"]);
  });
});

describe("extractHistory", () => {
  it("reads numbers or metric objects, skipping invalid entries", () => {
    expect(extractHistory({ history: [{ loss: 1 }, { acc: 2 }, { loss: 0.5 }, { loss: "x" }] }, "loss")).toEqual([1, 0.5]);
    expect(extractHistory({ curve: [3, 2, null, 1] }, "loss", "curve")).toEqual([3, 2, 1]);
    expect(extractHistory({}, "loss")).toEqual([]);
  });
});
