import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/domain/sweep";
import { buildDimensions, buildSlices, flattenTrialParams, parameterImportance, paramPaths } from "./analysis";

const parameters = {
  lr: { distribution: "log_uniform_values" as const, min: 0.0001, max: 0.1 },
  noise: { distribution: "uniform" as const, min: 0, max: 1 },
  opt: { distribution: "categorical" as const, values: ["adam", "sgd"] },
  model: { parameters: { depth: { distribution: "int_uniform" as const, min: 1, max: 4 } } },
};

function sample(n: number) {
  const rng = createRng(7);
  const paths = paramPaths(parameters);
  return Array.from({ length: n }, () => {
    const params = { lr: 10 ** (-4 + 3 * rng.next()), noise: rng.next(), opt: rng.next() < 0.5 ? "adam" : "sgd", model: { depth: 1 + Math.floor(rng.next() * 4) } };
    // the metric depends strongly on lr and on opt, not on noise or depth
    const value = (Math.log10(params.lr) + 2.5) ** 2 + (params.opt === "sgd" ? 1 : 0) + 0.05 * rng.next();
    return { flat: flattenTrialParams(params, paths), value };
  });
}

describe("sweep analysis preparers", () => {
  it("flattens nested params to dotted paths and builds typed dimensions", () => {
    const paths = paramPaths(parameters);
    expect(paths.map((p) => p.path)).toEqual(["lr", "model.depth", "noise", "opt"]);
    const rows = sample(50);
    const dims = buildDimensions(rows.map((r) => r.flat), paths);
    const byKey = Object.fromEntries(dims.map((d) => [d.key, d]));
    expect(byKey.lr).toMatchObject({ kind: "numeric", log: true });
    expect(byKey["model.depth"]).toMatchObject({ kind: "numeric", log: false });
    expect(byKey.opt).toMatchObject({ kind: "categorical", values: ["adam", "sgd"] });
    expect(byKey.noise.min).toBeGreaterThanOrEqual(0);
    expect(byKey.noise.max).toBeLessThanOrEqual(1);
  });

  it("ranks the parameters that drive the metric first, normalised to sum to 1", () => {
    const rows = sample(400);
    const dims = buildDimensions(rows.map((r) => r.flat), paramPaths(parameters));
    const imp = parameterImportance(rows, dims);
    expect(imp.map((i) => i.param).slice(0, 2)).toEqual(["lr", "opt"]);
    expect(imp.find((i) => i.param === "noise")!.importance).toBeLessThan(0.05);
    expect(imp.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 2);
  });

  it("gives zero importance when the metric is constant, and slices keep one point per trial", () => {
    const rows = sample(30).map((r) => ({ ...r, value: 1 }));
    const dims = buildDimensions(rows.map((r) => r.flat), paramPaths(parameters));
    expect(parameterImportance(rows, dims).every((i) => i.importance === 0)).toBe(true);
    const slices = buildSlices(rows, dims);
    expect(slices.find((s) => s.param === "opt")!.points.every(([x]) => x === "adam" || x === "sgd")).toBe(true);
    expect(slices.every((s) => s.points.length === 30)).toBe(true);
  });
});
