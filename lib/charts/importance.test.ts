import { describe, expect, it } from "vitest";
import { forestImportance } from "./importance";

function data(n: number, f: (x: number[]) => number, p = 3) {
  let s = 7;
  const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const X = Array.from({ length: n }, () => Array.from({ length: p }, () => r()));
  return { X, y: X.map((x) => f(x) + (r() - 0.5) * 0.05) };
}

describe("forestImportance", () => {
  it("ranks a dominating parameter far above a weak one (not ~50/50)", () => {
    // loss = 10·x0 − 3·x1: correlations of about 0.95 and −0.3, and x2 is noise
    const { X, y } = data(200, (x) => 10 * x[0] - 3 * x[1]);
    const imp = forestImportance(X, y);
    expect(imp[0]).toBeGreaterThan(0.75);
    expect(imp[1]).toBeGreaterThan(imp[2]);
    expect(imp[2]).toBeLessThan(0.05);
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it("sees a parameter that matters only through an interaction or a non-monotone shape", () => {
    const { X, y } = data(300, (x) => (x[0] - 0.5) ** 2 * 20 + (x[1] > 0.5 ? 1 : 0) * 0.01);
    const imp = forestImportance(X, y);
    expect(imp[0]).toBeGreaterThan(0.8);
  });

  it("is deterministic and says nothing from too little or constant data", () => {
    const { X, y } = data(60, (x) => x[0]);
    expect(forestImportance(X, y)).toEqual(forestImportance(X, y));
    expect(forestImportance(X.slice(0, 5), y.slice(0, 5))).toEqual([0, 0, 0]);
    expect(forestImportance(X, X.map(() => 1))).toEqual([0, 0, 0]);
  });
});
