import { describe, expect, it } from "vitest";
import { BRANIN_MIN, branin, evaluateClean, evaluateObjective, hartmann6, HARTMANN6_MIN, ObjectiveInputError, sampleInput } from "./objective";
import { rngFromState } from "@/lib/domain/prng";

describe("objective functions", () => {
  it("branin has its three known minima and a known value elsewhere", () => {
    for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) expect(branin(x1, x2)).toBeCloseTo(BRANIN_MIN, 5);
    expect(branin(0, 0)).toBeCloseTo(36 + 20 - 10 / (8 * Math.PI), 10); // (0 - 6)^2 + 10(1 - 1/(8 pi)) cos 0 + 10
  });

  it("hartmann6 reaches its known minimum", () => {
    expect(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(HARTMANN6_MIN, 4);
  });

  it("noise is seeded: same rng seed → same loss; accuracy is 1 at the optimum without noise", () => {
    const cfg = { function: "branin" as const, noise: 0.1 };
    const x = { x1: 1, x2: 2 };
    expect(evaluateObjective(cfg, x, rngFromState(1)).loss).toBe(evaluateObjective(cfg, x, rngFromState(1)).loss);
    expect(evaluateObjective(cfg, x, rngFromState(1)).loss).not.toBe(evaluateObjective(cfg, x, rngFromState(2)).loss);
    const opt = evaluateObjective({ function: "branin", noise: 0 }, { x1: Math.PI, x2: 2.275 }, rngFromState(1));
    expect(opt.accuracy).toBeCloseTo(1, 5);
    expect(opt).toMatchObject({ objective: "branin", optimum: BRANIN_MIN });
  });

  it("accepts numeric strings, rejects missing or non-numeric keys", () => {
    expect(evaluateClean({ function: "branin", noise: 0 }, { x1: "0", x2: "0" }).value).toBeCloseTo(55.6021, 4);
    expect(() => evaluateClean({ function: "branin", noise: 0 }, { x1: 0 })).toThrow(ObjectiveInputError);
    expect(() => evaluateClean({ function: "branin", noise: 0 }, { x1: 0, x2: "abc" })).toThrow(/could not convert/);
  });

  it("samples inputs inside the domain", () => {
    const rng = rngFromState(9);
    for (let i = 0; i < 50; i++) {
      const b = sampleInput({ function: "branin", noise: 0 }, rng);
      expect(b.x1).toBeGreaterThanOrEqual(-5);
      expect(b.x1).toBeLessThanOrEqual(10);
      expect(b.x2).toBeGreaterThanOrEqual(0);
      expect(b.x2).toBeLessThanOrEqual(15);
    }
  });
});
