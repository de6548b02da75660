import { describe, expect, it } from "vitest";
import { checkSmokeOutput, DEMO_SMOKE, validateSmokeExpect } from "./smoke-check";

describe("smoke expected-output check", () => {
  it.each([
    { name: "no check: COMPLETED is enough", expect: null, output: undefined, ok: true },
    { name: "literal at a dot path", expect: { "result.sum": 6 }, output: { result: { sum: 6 } }, ok: true },
    { name: "literal mismatch names the path", expect: { "result.sum": 6 }, output: { result: { sum: 5 } }, ok: false, says: "output.result.sum should be 6" },
    { name: "missing key", expect: { tf_ok: true }, output: {}, ok: false, says: "missing" },
    { name: "operators: type and range", expect: DEMO_SMOKE.expect, output: { loss: 0.4 }, ok: true },
    { name: "range violated", expect: DEMO_SMOKE.expect, output: { loss: 55 }, ok: false, says: "above 5" },
    { name: "wrong type", expect: { loss: { $type: "number" } }, output: { loss: "0.4" }, ok: false },
    { name: "$exists false", expect: { error: { $exists: false } }, output: { error: "boom" }, ok: false },
    { name: "deep object equality", expect: { devices: ["CPU:0"] }, output: { devices: ["CPU:0"] }, ok: true },
  ])("$name", ({ expect: want, output, ok, says }) => {
    const r = checkSmokeOutput(want, output);
    expect(r === null).toBe(ok);
    if (says) expect(r).toContain(says);
  });

  it("rejects unknown operators with the key", () => {
    expect(validateSmokeExpect({ loss: { $between: [0, 1] } })).toContain("loss");
    expect(validateSmokeExpect(DEMO_SMOKE.expect)).toBeNull();
  });
});
