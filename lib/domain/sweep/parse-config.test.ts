import { describe, expect, it } from "vitest";
import { formatConfigError, parseSweepConfig } from "./parse-config";
import type { ConfigError, ParseResult, SweepConfig } from "./types";

function ok(r: ParseResult): SweepConfig {
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.errors.map(formatConfigError).join("\n")}`);
  return r.config;
}
function errs(r: ParseResult): ConfigError[] {
  if (r.ok) throw new Error("expected errors, config was accepted");
  return r.errors;
}

// Examples as published in W&B's sweep docs (docs.wandb.ai/guides/sweeps/define-sweep-configuration).
const WANDB_BAYES = `program: train.py
method: bayes
metric:
  name: validation_loss
  goal: minimize
parameters:
  learning_rate:
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
  epochs:
    values: [5, 10, 15]
  optimizer:
    values: ["adam", "sgd"]
`;

const WANDB_RANDOM = `program: train.py
method: random
metric:
  goal: minimize
  name: loss
parameters:
  batch_size:
    distribution: q_log_uniform_values
    max: 256
    min: 32
    q: 8
  dropout:
    values: [0.3, 0.4, 0.5]
  epochs:
    value: 1
  fc_layer_size:
    values: [128, 256, 512]
  learning_rate:
    distribution: uniform
    max: 0.1
    min: 0
  optimizer:
    values: ["adam", "sgd"]
`;

const WANDB_NESTED = `program: sweep_nest.py
name: nested_sweep
method: random
metric:
  name: loss
  goal: minimize
parameters:
  optimizer:
    parameters:
      learning_rate:
        values: [0.01, 0.001]
      momentum:
        value: 0.9
  batch_size:
    values: [32, 64]
`;

const WANDB_GRID = `program: train.py
method: grid
metric:
  name: val_acc
  goal: maximize
parameters:
  batch_size:
    values: [16, 32, 64]
  epochs:
    min: 5
    max: 7
command:
  - \${env}
  - python
  - \${program}
  - \${args}
`;

const WANDB_HYPERBAND = `program: train.py
method: bayes
metric:
  name: val_loss
  goal: minimize
  target: 0.1
early_terminate:
  type: hyperband
  max_iter: 27
  s: 2
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
`;

describe("parseSweepConfig: W&B examples", () => {
  it("accepts the bayes example, inferring uniform from float bounds and keeping program as passthrough", () => {
    const r = parseSweepConfig(WANDB_BAYES);
    const c = ok(r);
    expect(c.method).toBe("bayes");
    expect(c.metric).toEqual({ name: "validation_loss", goal: "minimize" });
    expect(c.parameters.learning_rate).toEqual({ distribution: "uniform", min: 0.0001, max: 0.1 });
    expect(c.parameters.optimizer).toEqual({ distribution: "categorical", values: ["adam", "sgd"] });
    expect(c.passthrough).toEqual({ program: "train.py" });
    expect(r.warnings.map((w) => w.path)).toContain("program");
    expect(r.warnings.find((w) => w.path === "program")?.line).toBe(1);
  });

  it("accepts the random example with q_log_uniform_values, constants and explicit uniform", () => {
    const c = ok(parseSweepConfig(WANDB_RANDOM));
    expect(c.parameters.batch_size).toEqual({ distribution: "q_log_uniform_values", min: 32, max: 256, q: 8 });
    expect(c.parameters.epochs).toEqual({ distribution: "constant", value: 1 });
    expect(c.parameters.learning_rate).toEqual({ distribution: "uniform", min: 0, max: 0.1 });
  });

  it("accepts nested parameters", () => {
    const c = ok(parseSweepConfig(WANDB_NESTED));
    expect(c.name).toBe("nested_sweep");
    expect(c.parameters.optimizer).toEqual({
      parameters: {
        learning_rate: { distribution: "categorical", values: [0.01, 0.001] },
        momentum: { distribution: "constant", value: 0.9 },
      },
    });
  });

  it("accepts a grid with integer min/max (int_uniform) and warns about the inference", () => {
    const r = parseSweepConfig(WANDB_GRID);
    const c = ok(r);
    expect(c.parameters.epochs).toEqual({ distribution: "int_uniform", min: 5, max: 7 });
    expect(c.metric?.goal).toBe("maximize");
    expect(c.passthrough.command).toEqual(["${env}", "python", "${program}", "${args}"]);
    expect(r.warnings.some((w) => w.path === "parameters.epochs" && /int_uniform/.test(w.message))).toBe(true);
  });

  it("reads `min: 0.0, max: 1.0` as uniform (float literals), like W&B", () => {
    const c = ok(parseSweepConfig("method: random\nparameters:\n  p:\n    min: 0.0\n    max: 1.0\n"));
    expect(c.parameters.p).toEqual({ distribution: "uniform", min: 0, max: 1 });
  });

  it("accepts hyperband with defaults filled (eta 3, strict)", () => {
    const c = ok(parseSweepConfig(WANDB_HYPERBAND));
    expect(c.early_terminate).toEqual({ type: "hyperband", max_iter: 27, s: 2, eta: 3, strict: true });
    expect(c.metric?.target).toBe(0.1);
  });

  it("accepts the same config as JSON text and as an object", () => {
    const obj = {
      method: "random",
      metric: { name: "loss" },
      parameters: { lr: { distribution: "log_uniform", min: -9.2, max: -2.3 }, layers: { values: [1, 2] } },
    };
    const fromJson = ok(parseSweepConfig(JSON.stringify(obj, null, 2)));
    const fromObj = ok(parseSweepConfig(obj));
    expect(fromJson).toEqual(fromObj);
    expect(fromObj.metric).toEqual({ name: "loss", goal: "minimize" });
  });

  it("fills defaults for normal and categorical_w_probabilities", () => {
    const c = ok(
      parseSweepConfig({
        method: "random",
        parameters: {
          n: { distribution: "normal" },
          c: { distribution: "categorical_w_probabilities", values: ["a", "b"], probabilities: [0.25, 0.75] },
          qn: { distribution: "q_normal", mu: 10, sigma: 2 },
        },
      }),
    );
    expect(c.parameters.n).toEqual({ distribution: "normal", mu: 0, sigma: 1 });
    expect(c.parameters.c).toEqual({ distribution: "categorical", values: ["a", "b"], probabilities: [0.25, 0.75] });
    expect(c.parameters.qn).toEqual({ distribution: "q_normal", mu: 10, sigma: 2, q: 1 });
  });

  it("reads the sweepwatch block with defaults for what is missing", () => {
    const c = ok(
      parseSweepConfig(`method: random
metric: {name: loss}
parameters:
  lr: {values: [1, 2]}
sweepwatch:
  parallel: 4
  input_template: {model: resnet, lr: "{{param.lr}}"}
  metric_path: metrics.val_loss
`),
    );
    expect(c.sweepwatch).toEqual({
      parallel: 4,
      failed_budget: 5,
      input_template: { model: "resnet", lr: "{{param.lr}}" },
      metric_path: "metrics.val_loss",
      seed: null,
      budget_gpu_hours: null,
      budget_usd: null,
    });
  });

  it("reads spend budgets from the sweepwatch block and refuses non-positive ones with the key's path", () => {
    const c = ok(parseSweepConfig("method: random\nparameters:\n  lr: {min: 0.001, max: 0.1}\nsweepwatch:\n  budget_gpu_hours: 2.5\n  budget_usd: 40\n"));
    expect(c.sweepwatch).toMatchObject({ budget_gpu_hours: 2.5, budget_usd: 40 });
    const e = errs(parseSweepConfig("method: random\nparameters:\n  lr: {min: 0.001, max: 0.1}\nsweepwatch:\n  budget_usd: 0\n"));
    expect(e).toContainEqual(expect.objectContaining({ path: "sweepwatch.budget_usd", message: expect.stringContaining("above 0") }));
  });
});

describe("parseSweepConfig: invalid configs", () => {
  it("min >= max points at parameters.lr.max with its line", () => {
    const e = errs(parseSweepConfig("method: random\nparameters:\n  lr:\n    min: 0.1\n    max: 0.01\n"));
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ path: "parameters.lr.max", line: 5, col: 10 });
    expect(e[0].message).toMatch(/min must be < max/);
  });

  it("grid with a continuous distribution names the parameter", () => {
    const e = errs(
      parseSweepConfig("method: grid\nparameters:\n  a:\n    values: [1, 2]\n  lr:\n    distribution: uniform\n    min: 0\n    max: 1\n"),
    );
    expect(e).toHaveLength(1);
    expect(e[0].path).toBe("parameters.lr.distribution");
    expect(e[0].line).toBe(6);
    expect(e[0].message).toMatch(/grid search needs discrete values: parameters\.lr has a continuous distribution \(uniform\)/);
  });

  it("grid with inferred float bounds is rejected too", () => {
    const e = errs(parseSweepConfig("method: grid\nparameters:\n  lr:\n    min: 0.1\n    max: 1.0\n"));
    expect(e[0].message).toMatch(/continuous distribution \(uniform\)/);
  });

  it("an unknown distribution lists the valid ones and suggests the closest", () => {
    const e = errs(parseSweepConfig("method: random\nparameters:\n  lr:\n    distribution: log_unifrom\n    min: 1\n    max: 2\n"));
    expect(e[0]).toMatchObject({ path: "parameters.lr.distribution", line: 4 });
    expect(e[0].message).toMatch(/unknown distribution the string "log_unifrom" \(did you mean "log_uniform"\?\)/);
    expect(e[0].message).toMatch(/valid: constant, categorical, int_uniform, uniform, q_uniform, log_uniform, log_uniform_values/);
  });

  it("missing method, bad metric goal, and a misspelt top-level key are all reported at once", () => {
    const e = errs(parseSweepConfig("metric:\n  name: loss\n  goal: minimise\nparamaters:\n  a: {values: [1]}\n"));
    const byPath = Object.fromEntries(e.map((x) => [x.path, x]));
    expect(byPath["method"].message).toMatch(/missing "method"/);
    expect(byPath["metric.goal"]).toMatchObject({ line: 3 });
    expect(byPath["paramaters"]).toMatchObject({ line: 4, col: 1 });
    expect(byPath["paramaters"].message).toMatch(/did you mean "parameters"/);
    expect(byPath["parameters"].message).toMatch(/missing "parameters"/);
  });

  it("bayes without a metric is an error", () => {
    const e = errs(parseSweepConfig({ method: "bayes", parameters: { a: { values: [1, 2] } } }));
    expect(e[0]).toMatchObject({ path: "method" });
    expect(e[0].message).toMatch(/bayes search needs a "metric"/);
    expect(e[0].line).toBeUndefined();
  });

  it("a key that does not belong to the distribution is named, in nested params too", () => {
    const e = errs(
      parseSweepConfig("method: random\nparameters:\n  opt:\n    parameters:\n      lr:\n        min: 0.1\n        max: 1.0\n        sigma: 2\n"),
    );
    expect(e[0]).toMatchObject({ path: "parameters.opt.parameters.lr.sigma", line: 8, col: 9 });
    expect(e[0].message).toMatch(/"sigma" does not apply to distribution uniform; allowed: distribution, min, max/);
  });

  it("log_uniform_values needs positive bounds; the string '1e-3' is not a number", () => {
    const e = errs(
      parseSweepConfig(`method: random
parameters:
  lr:
    distribution: log_uniform_values
    min: 0
    max: 0.1
  wd:
    distribution: uniform
    min: "1e-3"
    max: 1
`),
    );
    expect(e.map((x) => [x.path, x.line])).toEqual([
      ["parameters.lr.min", 5],
      ["parameters.wd.min", 9],
    ]);
    expect(e[0].message).toMatch(/min must be > 0 for log_uniform_values/);
    expect(e[1].message).toMatch(/min must be a number, got the string "1e-3"/);
  });

  it("warns when log_uniform bounds look like values instead of exponents", () => {
    const r = parseSweepConfig({ method: "random", parameters: { lr: { distribution: "log_uniform", min: 0.0001, max: 0.1 } } });
    expect(r.ok).toBe(true);
    expect(r.warnings.find((w) => w.path === "parameters.lr")?.message).toMatch(/natural-log exponents.*log_uniform_values/);
  });

  it("probabilities must match values and sum to 1; grid rejects them", () => {
    const e1 = errs(parseSweepConfig({ method: "random", parameters: { c: { values: [1, 2], probabilities: [0.5, 0.4] } } }));
    expect(e1[0]).toMatchObject({ path: "parameters.c.probabilities" });
    expect(e1[0].message).toMatch(/sum to 1/);
    const e2 = errs(parseSweepConfig({ method: "random", parameters: { c: { values: [1, 2], probabilities: [1] } } }));
    expect(e2[0].message).toMatch(/probabilities has 1 entries but values has 2/);
    const e3 = errs(parseSweepConfig({ method: "grid", parameters: { c: { values: [1, 2], probabilities: [0.5, 0.5] } } }));
    expect(e3[0].message).toMatch(/probabilities are not allowed/);
  });

  it("hyperband: needs min_iter or max_iter+s, and a metric", () => {
    const e = errs(parseSweepConfig("method: random\nparameters:\n  a: {values: [1]}\nearly_terminate:\n  type: hyperband\n  max_iter: 27\n"));
    const paths = e.map((x) => x.path);
    expect(paths).toContain("early_terminate.s");
    expect(paths).toContain("early_terminate");
    const e2 = errs(
      parseSweepConfig({ method: "random", metric: { name: "l" }, parameters: { a: { values: [1] } }, early_terminate: { type: "hyperband", min_iter: 0 } }),
    );
    expect(e2[0]).toMatchObject({ path: "early_terminate.min_iter" });
    const e3 = errs(
      parseSweepConfig({ method: "random", metric: { name: "l" }, parameters: { a: { values: [1] } }, early_terminate: { type: "envelope", min_iter: 3 } }),
    );
    expect(e3[0].message).toMatch(/must be "hyperband"/);
  });

  it("sweepwatch block: human-readable errors with paths", () => {
    const e = errs(
      parseSweepConfig({
        method: "random",
        parameters: { a: { values: [1] } },
        sweepwatch: { parallel: 0, metric_path: "history[x", paralel: 2 },
      }),
    );
    const byPath = Object.fromEntries(e.map((x) => [x.path, x.message]));
    expect(byPath["sweepwatch.parallel"]).toBe("sweepwatch.parallel must be an integer from 1 to 1000");
    expect(byPath["sweepwatch.paralel"]).toMatch(/unknown key "paralel" in sweepwatch \(did you mean "parallel"\?\)/);
  });

  it("YAML syntax errors carry line and column", () => {
    const e = errs(parseSweepConfig("method: grid\nparameters:\n  a:\n    values: [1, 2\n  b: 3\n"));
    expect(e[0].line).toBeGreaterThanOrEqual(4);
    expect(e[0].message).toMatch(/^invalid YAML/);
  });

  it("duplicate YAML keys are an error", () => {
    const e = errs(parseSweepConfig("method: grid\nmethod: random\nparameters:\n  a: {values: [1]}\n"));
    expect(e[0]).toMatchObject({ line: 2 });
  });

  it("JSON syntax errors carry line and column", () => {
    const text = '{\n  "method": "grid",\n  "parameters": {\n    "a": {"values": [1, 2]},\n  }\n}';
    const e = errs(parseSweepConfig(text));
    expect(e[0].message).toMatch(/^invalid JSON/);
    expect(e[0].line).toBe(5);
    expect(e[0].col).toBe(3);
  });

  it("YAML flow text that is not JSON is still accepted", () => {
    const c = ok(parseSweepConfig("{method: grid, parameters: {a: {values: [1, 2]}}}"));
    expect(c.parameters.a).toEqual({ distribution: "categorical", values: [1, 2] });
  });

  it("an input_template placeholder must name a parameter", () => {
    const e = errs(
      parseSweepConfig(`method: grid
parameters:
  opt: {parameters: {lr: {values: [1, 2]}}}
sweepwatch:
  input_template:
    lr: "{{param.opt.lr}}"
    all: "{{param.opt}}"
    m: "{{param.momentum}}"
`),
    );
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ path: "sweepwatch.input_template", line: 6 });
    expect(e[0].message).toBe("placeholder {{param.momentum}} names no parameter; parameters: opt.lr");
  });

  it("a parameter given as a bare list gets a hint", () => {
    const e = errs(parseSweepConfig("method: grid\nparameters:\n  a: [1, 2]\n"));
    expect(e[0]).toMatchObject({ path: "parameters.a", line: 3, col: 6 });
    expect(e[0].message).toMatch(/write it as "values: \[...\]"/);
  });

  it("method custom and multi-objective metrics are refused clearly", () => {
    const e = errs(parseSweepConfig({ method: "custom", metrics: [{ name: "a" }, { name: "b" }], parameters: { a: { values: [1] } } }));
    expect(e.map((x) => x.message).join("\n")).toMatch(/method "custom".*not supported[\s\S]*multi-objective/);
  });

  it("top level that is not a mapping", () => {
    expect(errs(parseSweepConfig("- 1\n- 2\n"))[0].message).toMatch(/must be a mapping/);
    expect(errs(parseSweepConfig(""))[0].message).toMatch(/must be a mapping/);
  });
});

describe("hostile configs", () => {
  it("refuses an alias bomb with an error instead of throwing", () => {
    const bomb = "a: &a [x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d]";
    const r = parseSweepConfig(bomb);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/invalid YAML/);
  });

  it("refuses a run_cap that does not fit", () => {
    const r = parseSweepConfig("method: grid\nrun_cap: 99999999999999999999999\nparameters: {x: {values: [1,2]}}");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ path: "run_cap", line: 2 });
  });
});
