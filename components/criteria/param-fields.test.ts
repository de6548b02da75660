import { describe, expect, it } from "vitest";
import { fieldLabel, fromFormValues, paramFields, toFormValues } from "./param-fields";

describe("param editor fields from the rule schemas", () => {
  it("derives typed fields (numbers with bounds, nullable text)", () => {
    const q = paramFields("quiet_period");
    expect(q).toEqual([
      { name: "signature", kind: "text", nullable: true },
      { name: "days", kind: "number", integer: false, min: 0, max: 31, nullable: false },
      { name: "minActiveDaysPct", kind: "number", integer: false, min: 0, max: 100, nullable: false },
    ]);
    // the smoke input and its expected-output check are per endpoint (opt-in), not criterion params
    const s = paramFields("smoke_job_passed");
    expect(s.map((f) => [f.name, f.kind])).toEqual([
      ["everyMinutes", "number"],
      ["maxAgeMinutes", "number"],
    ]);
    expect(paramFields("sweep_completed")).toEqual([]);
    expect(paramFields("nope")).toEqual([]);
  });

  it("round-trips values and reports the bad field", () => {
    const f = paramFields("quiet_period");
    expect(toFormValues(f, { signature: null, days: 7, minActiveDaysPct: 50 })).toEqual({ signature: "", days: "7", minActiveDaysPct: "50" });
    expect(fromFormValues(f, { signature: "", days: "3.5", minActiveDaysPct: "50" })).toEqual({ ok: true, params: { signature: null, days: 3.5, minActiveDaysPct: 50 } });
    expect(fromFormValues(f, { signature: "random_device", days: "x", minActiveDaysPct: "50" })).toEqual({ ok: false, field: "days", message: "must be a number" });
  });

  it("labels fields for people", () => {
    expect(fieldLabel("maxP90OverMedianPct")).toBe("Max p90 over median %");
    expect(fieldLabel("lastPolls")).toBe("Last polls");
  });
});
