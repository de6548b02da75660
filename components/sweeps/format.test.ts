import { describe, expect, it } from "vitest";
import { formatMetric, formatParam, paramAt, progressPercent } from "./format";

describe("sweep formatting", () => {
  it("formats metrics with 4 significant digits", () => {
    expect(formatMetric(0.123456)).toBe("0.1235");
    expect(formatMetric(1234.5678)).toBe("1235");
    expect(formatMetric(0.00001234)).toBe("1.234e-5");
    expect(formatMetric(null)).toBe("—");
  });

  it("reads dotted parameter paths from nested params", () => {
    expect(paramAt({ optimizer: { lr: 0.1 } }, "optimizer.lr")).toBe(0.1);
    expect(paramAt({ "a.b": 1 }, "a.b")).toBe(1);
    expect(paramAt({ a: 1 }, "a.b")).toBeUndefined();
    expect(formatParam({ x: 1 })).toBe('{"x":1}');
  });

  it("computes progress percentages", () => {
    expect(progressPercent(5, 10)).toBe(50);
    expect(progressPercent(12, 10)).toBe(100);
    expect(progressPercent(3, null)).toBeNull();
  });
});
