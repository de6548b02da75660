import { discreteDomain, type DiscreteDomain } from "./distributions";
import { createRng } from "@/lib/domain/prng";
import { expandSearchSpace, flattenParameters, gridIndexOf, gridPointAt, paramsKey, sampleParams } from "./search-space";
import { TPE_DEFAULTS, tpeSuggest, type Observation, type TpeOptions } from "./tpe";
import type { Params, SweepConfig, TrialResult } from "./types";

export interface SuggesterOptions {
  /** defaults to config.sweepwatch.seed, then 0 */
  seed?: number;
  /** bayes: random trials before the model is used (default 10) */
  nStartup?: number;
  tpe?: Partial<TpeOptions>;
}

export interface Suggester {
  readonly method: SweepConfig["method"];
  /**
   * Up to `count` new parameter sets, none equal to a trial in `history` (any status) or
   * to each other. Fewer (possibly none) means a finite space is exhausted. Pure: the
   * same config, seed and history give the same answer, however calls are batched.
   */
  suggest(history: readonly TrialResult[], count: number): Params[];
}

const IN_FLIGHT = new Set(["pending", "running"]);

export function createSuggester(config: SweepConfig, options: SuggesterOptions = {}): Suggester {
  const seed = options.seed ?? config.sweepwatch.seed ?? 0;
  const flat = flattenParameters(config.parameters);
  const space = expandSearchSpace(config);
  const domains = space.gridSize === null ? null : flat.map((f) => discreteDomain(f.spec) as DiscreteDomain);

  const usedKeys = (history: readonly TrialResult[]) => new Set(history.map((t) => paramsKey(flat, t.params)));

  // Lowest grid index not used: for grid order, and as the last resort of random/bayes in finite spaces.
  const firstUnusedGrid = (used: Set<number>, from: number): number => {
    let i = from;
    while (used.has(i)) i++;
    return i;
  };

  if (config.method === "grid") {
    if (!domains) throw new Error("grid search needs discrete parameters; parse the config with parseSweepConfig first");
    return {
      method: "grid",
      suggest(history, count) {
        const ds = domains;
        const used = new Set<number>();
        for (const t of history) {
          const i = gridIndexOf(flat, ds, t.params);
          if (i >= 0) used.add(i);
        }
        const out: Params[] = [];
        let i = 0;
        while (out.length < count) {
          i = firstUnusedGrid(used, i);
          if (i >= space.gridSize!) break;
          out.push(gridPointAt(flat, ds, i));
          i++;
        }
        return out;
      },
    };
  }

  const finite = space.gridSize;
  const nStartup = options.nStartup ?? 10;
  const tpeOpts: TpeOptions = { ...TPE_DEFAULTS, ...options.tpe };
  const goalSign = config.metric?.goal === "maximize" ? -1 : 1;
  const failedAreBad = (config.metric?.impute ?? "worst") === "worst";

  const randomPoint = (trialIndex: number, used: Set<string>): Params | null => {
    const rng = createRng(seed, 1, trialIndex);
    for (let attempt = 0; attempt < 100; attempt++) {
      const p = sampleParams(flat, rng);
      if (!used.has(paramsKey(flat, p))) return p;
    }
    if (finite !== null) {
      // Small finite space nearly exhausted: take the first unused grid point.
      for (let i = 0; i < finite; i++) {
        const p = gridPointAt(flat, domains!, i);
        if (!used.has(paramsKey(flat, p))) return p;
      }
    }
    return null;
  };

  const exhausted = (used: Set<string>) => finite !== null && used.size >= finite;

  if (config.method === "random") {
    return {
      method: "random",
      suggest(history, count) {
        const used = usedKeys(history);
        const out: Params[] = [];
        for (let i = 0; i < count && !exhausted(used); i++) {
          const p = randomPoint(history.length + i, used);
          if (!p) break;
          used.add(paramsKey(flat, p));
          out.push(p);
        }
        return out;
      },
    };
  }

  return {
    method: "bayes",
    suggest(history, count) {
      const used = usedKeys(history);
      const obs: Observation[] = [];
      let completed = 0;
      for (const t of history) {
        if (t.value !== null && Number.isFinite(t.value)) {
          obs.push({ params: t.params, loss: goalSign * t.value });
          completed++;
        } else if (IN_FLIGHT.has(t.status) || (t.status === "failed" && failedAreBad)) {
          // Constant liar: in-flight and failed trials count as bad, which steers l(x)/g(x) away from them.
          obs.push({ params: t.params, loss: Infinity });
        }
      }
      const out: Params[] = [];
      for (let i = 0; i < count && !exhausted(used); i++) {
        const trialIndex = history.length + i;
        let p: Params | null = null;
        if (trialIndex >= nStartup && completed >= 2) {
          p = tpeSuggest(flat, obs, createRng(seed, 2, trialIndex), (c) => used.has(paramsKey(flat, c)), tpeOpts);
        }
        p ??= randomPoint(trialIndex, used);
        if (!p) break;
        used.add(paramsKey(flat, p));
        obs.push({ params: p, loss: Infinity });
        out.push(p);
      }
      return out;
    },
  };
}
