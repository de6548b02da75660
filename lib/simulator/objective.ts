import type { ObjectiveConfig } from "./scenario";
import type { Rng } from "@/lib/domain/prng";

/**
 * Known test functions, so sweeps produce checkable results. Parameters are read
 * from `input.params` when it is an object, else from `input` itself.
 *
 * - branin:    reads x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887 at
 *              (-pi, 12.275), (pi, 2.275), (9.42478, 2.475).
 * - hartmann6: reads x1..x6 in [0, 1]; global minimum -3.32237 at
 *              (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
 * - quadratic: reads every key of `optimum`; loss = sum(((x - optimum) / scale)^2), minimum 0.
 *
 * Output: { loss, accuracy, objective, optimum } where loss = f(x) + N(0, noise^2) and
 * accuracy = 1 / (1 + max(0, loss - fMin)) in (0, 1], 1 at the optimum.
 */
export interface ObjectiveResult {
  loss: number;
  accuracy: number;
  objective: string;
  /** The function's known global minimum (without noise). */
  optimum: number;
}

export class ObjectiveInputError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "ObjectiveInputError";
  }
}

export function branin(x1: number, x2: number): number {
  const a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
  return a * (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}
export const BRANIN_MIN = 0.397887;

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

export function hartmann6(x: number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H_A[i][j] * (x[j] - H_P[i][j]) ** 2;
    sum += H_ALPHA[i] * Math.exp(-inner);
  }
  return -sum;
}
export const HARTMANN6_MIN = -3.32237;

function paramsOf(input: unknown): Record<string, unknown> {
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    if (o.params && typeof o.params === "object" && !Array.isArray(o.params)) return o.params as Record<string, unknown>;
    return o;
  }
  return {};
}

function num(p: Record<string, unknown>, key: string): number {
  const v = p[key];
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    if (v === undefined) throw new ObjectiveInputError(key, `'${key}'`);
    throw new ObjectiveInputError(key, `could not convert ${JSON.stringify(v)} to float for '${key}'`);
  }
  return n;
}

export function objectiveKeys(cfg: ObjectiveConfig): string[] {
  if (cfg.function === "branin") return ["x1", "x2"];
  if (cfg.function === "hartmann6") return ["x1", "x2", "x3", "x4", "x5", "x6"];
  return Object.keys(cfg.optimum ?? { x: 0 });
}

/** Noise-free value and its known minimum. Throws ObjectiveInputError on a missing or non-numeric key. */
export function evaluateClean(cfg: ObjectiveConfig, input: unknown): { value: number; min: number } {
  const p = paramsOf(input);
  if (cfg.function === "branin") return { value: branin(num(p, "x1"), num(p, "x2")), min: BRANIN_MIN };
  if (cfg.function === "hartmann6") return { value: hartmann6(objectiveKeys(cfg).map((k) => num(p, k))), min: HARTMANN6_MIN };
  const opt = cfg.optimum ?? { x: 0 };
  let v = 0;
  for (const [k, o] of Object.entries(opt)) v += ((num(p, k) - o) / (cfg.scale?.[k] ?? 1)) ** 2;
  return { value: v, min: 0 };
}

export function evaluateObjective(cfg: ObjectiveConfig, input: unknown, rng: Rng): ObjectiveResult {
  const { value, min } = evaluateClean(cfg, input);
  const loss = value + (cfg.noise > 0 ? cfg.noise * rng.normal() : 0);
  return { loss, accuracy: 1 / (1 + Math.max(0, loss - min)), objective: cfg.function, optimum: min };
}

/** Random parameters inside the function's domain (demo traffic). */
export function sampleInput(cfg: ObjectiveConfig, rng: Rng): Record<string, number> {
  const r = (a: number, b: number) => Math.round(rng.range(a, b) * 1e4) / 1e4;
  if (cfg.function === "branin") return { x1: r(-5, 10), x2: r(0, 15) };
  const out: Record<string, number> = {};
  if (cfg.function === "hartmann6") for (const k of objectiveKeys(cfg)) out[k] = r(0, 1);
  else for (const [k, o] of Object.entries(cfg.optimum ?? { x: 0 })) out[k] = r(o - 2 * (cfg.scale?.[k] ?? 1), o + 2 * (cfg.scale?.[k] ?? 1));
  return out;
}
