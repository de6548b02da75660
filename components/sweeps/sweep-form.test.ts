import { describe, expect, it } from "vitest";
import { emptyForm } from "@/lib/domain/sweep";
import { formatScalar, formPathOf, isFieldError, parseScalar, splitValues } from "./sweep-form";
import { mapServerIssues } from "./sweep-creator";

describe("form value parsing", () => {
  it("reads typed scalars and keeps quoted numbers as strings", () => {
    expect(parseScalar(" 0.001 ")).toBe(0.001);
    expect(parseScalar("1e-4")).toBe(0.0001);
    expect(parseScalar("true")).toBe(true);
    expect(parseScalar("null")).toBeNull();
    expect(parseScalar('"16"')).toBe("16");
    expect(parseScalar("adam")).toBe("adam");
  });

  it("splits values on commas outside quotes", () => {
    expect(splitValues("16, 32, 'a,b', \"64\", sgd")).toEqual([16, 32, "a,b", "64", "sgd"]);
    expect(splitValues(" , ")).toEqual([]);
  });

  it("formats values so they parse back to the same thing", () => {
    for (const v of [16, "adam", "16", "true", "a,b", true, null]) expect(splitValues(formatScalar(v))).toEqual([v]);
  });
});

describe("error placement", () => {
  it("maps nested config paths to form parameter paths", () => {
    expect(formPathOf("parameters.opt.parameters.lr.max")).toBe("opt.lr.max");
    expect(formPathOf("parameters.lr")).toBe("lr");
  });

  it("knows which errors a form field shows and which go to the summary", () => {
    const form = { ...emptyForm(), params: [{ path: ["opt", "lr"], type: "distribution" as const, distribution: "uniform" as const, min: 1, max: 0 }] };
    expect(isFieldError({ path: "parameters.opt.parameters.lr.max", message: "" }, form)).toBe(true);
    expect(isFieldError({ path: "metric.goal", message: "" }, form)).toBe(true);
    expect(isFieldError({ path: "parameters.other", message: "" }, form)).toBe(false);
    expect(isFieldError({ path: "early_terminate.eta", message: "" }, form)).toBe(false);
  });

  it("puts a 422's issues on the fields they name, with the editor line", () => {
    const e = mapServerIssues("invalid", [
      { path: "body.name", message: "must not be empty" },
      { path: "endpointId", message: "unknown endpoint" },
      { path: "config.parameters.x.distribution", message: "line 3:41: grid search needs discrete values" },
      { path: "metricPath", message: "invalid metric path" },
      { path: "seed", message: "too big" },
    ]);
    expect(e.name).toEqual(["must not be empty"]);
    expect(e.endpointId).toEqual(["unknown endpoint"]);
    expect(e.config).toEqual([
      { path: "parameters.x.distribution", message: "grid search needs discrete values", line: 3, col: 41 },
      { path: "sweepwatch.metric_path", message: "invalid metric path" },
    ]);
    expect(e.other).toEqual([{ path: "seed", message: "too big" }]);
  });
});
