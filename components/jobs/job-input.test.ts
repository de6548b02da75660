import { describe, expect, it } from "vitest";
import { parseJobInput } from "./job-input";

describe("parseJobInput", () => {
  it("accepts a JSON object", () => {
    expect(parseJobInput('{"x1": 2.5, "nested": {"a": [1]}}')).toEqual({ ok: true, input: { x1: 2.5, nested: { a: [1] } } });
  });

  it("explains what is wrong otherwise", () => {
    const bad = parseJobInput("{ x1: 2 }");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Not valid JSON/);
    expect(parseJobInput("[1, 2]")).toEqual({ ok: false, error: "Input must be a JSON object." });
    expect(parseJobInput("null")).toEqual({ ok: false, error: "Input must be a JSON object." });
    const big = parseJobInput(JSON.stringify({ blob: "x".repeat(300 * 1024) }));
    expect(!big.ok && big.error).toMatch(/at most 256 KiB/);
  });
});
