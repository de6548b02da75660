import { describe, expect, it } from "vitest";
import { configToForm, configToYaml, emptyForm, formToConfig } from "./config-views";
import { parseSweepConfig, parseSweepConfigOrThrow } from "./parse-config";

const FULL = `name: everything
description: all distributions
program: train.py
method: bayes
metric:
  name: val_loss
  goal: maximize
  target: 0.95
  impute: worst
run_cap: 50
early_terminate:
  type: hyperband
  min_iter: 3
  eta: 2
  strict: false
parameters:
  c: {value: 3}
  cat: {values: [a, b, {x: 1}], probabilities: [0.2, 0.3, 0.5]}
  i: {min: 1, max: 8}
  u: {distribution: uniform, min: 0, max: 1}
  qu: {distribution: q_uniform, min: 0, max: 1, q: 0.25}
  lu: {distribution: log_uniform, min: -9, max: -2}
  luv: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  qlu: {distribution: q_log_uniform, min: 0, max: 5, q: 2}
  qluv: {distribution: q_log_uniform_values, min: 16, max: 256, q: 16}
  ilu: {distribution: inv_log_uniform, min: 1, max: 3}
  iluv: {distribution: inv_log_uniform_values, min: 0.01, max: 0.5}
  n: {distribution: normal, mu: 1, sigma: 2}
  qn: {distribution: q_normal, mu: 1, sigma: 2, q: 0.5}
  ln: {distribution: log_normal, mu: 0, sigma: 1}
  qln: {distribution: q_log_normal}
  b: {distribution: beta, a: 2, b: 5}
  qb: {distribution: q_beta, q: 0.1}
  opt:
    parameters:
      momentum: {values: [0.8, 0.9]}
      deep:
        parameters:
          eps: {value: 1.0e-8}
sweepwatch:
  parallel: 3
  failed_budget: 0
  input_template: {args: {lr: "{{param.luv}}"}}
  metric_path: metrics.val
  seed: 42
`;

describe("config views round-trip", () => {
  const config = parseSweepConfigOrThrow(FULL);

  it("YAML -> config -> YAML -> config is the identity", () => {
    const again = parseSweepConfig(configToYaml(config));
    expect(again.ok && again.config).toEqual(config);
  });

  it("config -> form -> config is the identity", () => {
    const form = configToForm(config);
    expect(form.params.map((p) => p.path.join("."))).toContain("opt.deep.eps");
    const back = formToConfig(form);
    expect(back.ok && back.config).toEqual(config);
    expect(back.warnings.filter((w) => w.path === "program")).toEqual([]);
  });

  it("integer-bounded uniform survives (explicit distribution in YAML)", () => {
    const c = parseSweepConfigOrThrow({ method: "random", parameters: { u: { distribution: "uniform", min: 0, max: 10 } } });
    expect(configToYaml(c)).toMatch(/distribution: uniform/);
    const again = parseSweepConfig(configToYaml(c));
    expect(again.ok && again.config.parameters.u).toEqual({ distribution: "uniform", min: 0, max: 10 });
  });

  it("wandbOnly export drops the sweepwatch block; default sweepwatch settings are not written", () => {
    expect(configToYaml(config, { wandbOnly: true })).not.toMatch(/sweepwatch/);
    const plain = parseSweepConfigOrThrow({ method: "grid", parameters: { a: { values: [1] } } });
    expect(configToYaml(plain)).not.toMatch(/sweepwatch/);
  });

  it("form edits show up in the YAML view", () => {
    const form = emptyForm();
    form.method = "grid";
    form.params = [
      { path: ["lr"], type: "values", values: [0.1, 0.01] },
      { path: ["opt", "name"], type: "constant", value: "adam" },
    ];
    form.parallel = 2;
    const r = formToConfig(form);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const yaml = configToYaml(r.config);
    expect(yaml).toMatch(/opt:\n\s+parameters:\n\s+name:\n\s+value: adam/);
    expect(yaml).toMatch(/sweepwatch:\n\s+parallel: 2/);
  });

  it("form errors carry config paths", () => {
    const form = emptyForm();
    form.params = [{ path: ["lr"], type: "distribution", distribution: "uniform", min: 1, max: 0 }];
    const r = formToConfig(form);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({ path: "parameters.lr.max", message: "min must be < max (min 1, max 0)" });
  });

  it("form rejects a name used both as a parameter and a group", () => {
    const form = emptyForm();
    form.params = [
      { path: ["opt"], type: "constant", value: 1 },
      { path: ["opt", "lr"], type: "constant", value: 2 },
    ];
    const r = formToConfig(form);
    expect(!r.ok && r.errors[0].path).toBe("parameters.opt");
  });
});
