// Test objective: Branin (x1 ∈ [-5, 10], x2 ∈ [0, 15]), global minimum 0.397887 at
// (-π, 12.275), (π, 2.275), (9.42478, 2.475). Our own copy, plus seeded noise, so
// the sweep tests do not depend on lib/simulator.
import { createRng } from "@/lib/domain/prng";
import { createSuggester, type SuggesterOptions } from "./suggest";
import { parseSweepConfigOrThrow } from "./parse-config";
import type { Params, SweepConfig, TrialResult } from "./types";

export const BRANIN_MIN = 0.397887;

export function branin(x1: number, x2: number): number {
  const a = 1;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const r = 6;
  const s = 10;
  const t = 1 / (8 * Math.PI);
  return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}

/** Branin plus zero-mean Gaussian noise that depends only on (seed, trial index). */
export function noisyBranin(params: Params, seed: number, index: number, noise = 0.1): number {
  return branin(params.x1 as number, params.x2 as number) + noise * createRng(seed, 99, index).normal();
}

export function braninConfig(method: "random" | "bayes"): SweepConfig {
  return parseSweepConfigOrThrow({
    method,
    metric: { name: "branin", goal: "minimize" },
    parameters: {
      x1: { distribution: "uniform", min: -5, max: 10 },
      x2: { distribution: "uniform", min: 0, max: 15 },
    },
  });
}

/**
 * Runs a sequential sweep of `trials` on noisy Branin with `parallel` trials proposed per
 * round; returns the best true (noise-free) Branin value reached.
 */
export function runBraninSweep(method: "random" | "bayes", seed: number, trials: number, parallel = 1, options: SuggesterOptions = {}): number {
  const config = braninConfig(method);
  const suggester = createSuggester(config, { ...options, seed });
  const history: TrialResult[] = [];
  let best = Infinity;
  while (history.length < trials) {
    const batch = suggester.suggest(history, Math.min(parallel, trials - history.length));
    const start = history.length;
    batch.forEach((params, i) => {
      const value = noisyBranin(params, seed, start + i);
      history.push({ params, value, status: "completed" });
      best = Math.min(best, branin(params.x1 as number, params.x2 as number));
    });
  }
  return best;
}
