// Hyperband early termination with W&B's semantics (wandb/sweeps hyperband_stopping):
// brackets are iteration indices; at each bracket a trial must be within the best
// 1/eta of all trials that reached it, else it is stopped.
import type { HyperbandConfig, MetricGoal } from "./types";

/** Iteration indices at which trials are compared, ascending. */
export function hyperbandBrackets(cfg: HyperbandConfig): number[] {
  const bands: number[] = [];
  if (cfg.max_iter !== undefined) {
    // W&B: walk down from max_iter, s brackets, each eta times smaller.
    let band = cfg.max_iter;
    for (let i = 0; i < (cfg.s ?? 0); i++) {
      band /= cfg.eta;
      if (band < 1) break;
      bands.push(Math.floor(band));
    }
    bands.sort((a, b) => a - b);
  } else if (cfg.min_iter !== undefined) {
    // W&B: min_iter, min_iter*eta, min_iter*eta^2, ... (100 brackets; we stop once past 1e9 iterations).
    let band = cfg.min_iter;
    for (let i = 0; i < 100 && band <= 1e9; i++) {
      bands.push(Math.floor(band));
      band *= cfg.eta;
    }
  }
  return [...new Set(bands)];
}

export interface StopDecision {
  stop: boolean;
  /** the bracket the trial was judged at, if it reached one */
  band?: number;
  /** the trial must not be worse than this (in the metric's own sign) */
  threshold?: number;
  /** the value that was compared */
  value?: number;
  reason: string;
}

function orient(history: readonly number[], goal: MetricGoal): number[] {
  const clean = history.filter((v) => Number.isFinite(v));
  return goal === "maximize" ? clean.map((v) => -v) : clean;
}

function thresholdsFor(bands: number[], histories: number[][], eta: number): number[] {
  const r = 1 / eta;
  return bands.map((band) => {
    const vals = histories.filter((h) => h.length > band).map((h) => h[band]);
    if (vals.length === 0) return Infinity;
    vals.sort((a, b) => a - b);
    return vals[Math.floor(r * vals.length)];
  });
}

/**
 * Should a running trial stop? `trialHistory` is its metric per iteration (index = iteration),
 * `others` the histories of every other trial of the sweep (running or finished).
 * strict (W&B default) compares the trial's value at the bracket; non-strict compares its best so far.
 */
export function shouldStop(trialHistory: readonly number[], others: readonly (readonly number[])[], cfg: HyperbandConfig, goal: MetricGoal = "minimize"): StopDecision {
  const bands = hyperbandBrackets(cfg);
  const mine = orient(trialHistory, goal);
  const all = [mine, ...others.map((h) => orient(h, goal))].filter((h) => h.length > 0);
  return decide(mine, bands, thresholdsFor(bands, all, cfg.eta), cfg, goal);
}

function decide(mine: number[], bands: number[], thresholds: number[], cfg: HyperbandConfig, goal: MetricGoal): StopDecision {
  let at = -1;
  for (let i = 0; i < bands.length; i++) {
    if (bands[i] < mine.length) at = i;
    else break;
  }
  if (at < 0) return { stop: false, reason: bands.length ? `not yet at the first bracket (iteration ${bands[0]})` : "no brackets" };
  const band = bands[at];
  const threshold = thresholds[at];
  const value = cfg.strict ? mine[band] : mine.reduce((a, b) => Math.min(a, b), Infinity);
  const sign = goal === "maximize" ? -1 : 1;
  const stop = value > threshold;
  const shown = (x: number) => Number((sign * x).toPrecision(6));
  return {
    stop,
    band,
    threshold: sign * threshold,
    value: sign * value,
    reason: stop
      ? `at iteration ${band}, ${shown(value)} is outside the best 1/${cfg.eta} (threshold ${shown(threshold)})`
      : `at iteration ${band}, ${shown(value)} is within the best 1/${cfg.eta} (threshold ${shown(threshold)})`,
  };
}

export interface HyperbandTrial<Id> {
  id: Id;
  status: string;
  history: readonly number[];
}

/** The running trials to stop now, with why; all other trials only inform the thresholds. */
export function hyperbandStopTrials<Id>(trials: readonly HyperbandTrial<Id>[], cfg: HyperbandConfig, goal: MetricGoal = "minimize"): { id: Id; decision: StopDecision }[] {
  const bands = hyperbandBrackets(cfg);
  const oriented = trials.map((t) => orient(t.history, goal));
  const thresholds = thresholdsFor(bands, oriented.filter((h) => h.length > 0), cfg.eta);
  const out: { id: Id; decision: StopDecision }[] = [];
  trials.forEach((t, i) => {
    if (t.status !== "running") return;
    const decision = decide(oriented[i], bands, thresholds, cfg, goal);
    if (decision.stop) out.push({ id: t.id, decision });
  });
  return out;
}

/**
 * Per-iteration metric values from a job output: `output[historyKey]` as a list of numbers
 * or of objects holding the metric (`[{loss: 0.9}, {loss: 0.7}]`). Non-numbers are skipped, like W&B.
 */
export function extractHistory(output: unknown, metricName: string, historyKey = "history"): number[] {
  if (output === null || typeof output !== "object" || Array.isArray(output)) return [];
  const list = (output as Record<string, unknown>)[historyKey];
  if (!Array.isArray(list)) return [];
  const out: number[] = [];
  for (const item of list) {
    const v = typeof item === "number" ? item : item !== null && typeof item === "object" ? (item as Record<string, unknown>)[metricName] : undefined;
    if (typeof v === "number" && Number.isFinite(v)) out.push(v);
  }
  return out;
}
