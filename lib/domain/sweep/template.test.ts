import { describe, expect, it } from "vitest";
import { parseSweepConfigOrThrow } from "./parse-config";
import { applyInputTemplate, extractMetric, extractTrialMetric, templatePlaceholders, TemplateError } from "./template";

const params = { lr: 0.01, bs: 32, opt: { name: "adam", betas: [0.9, 0.999] } };

describe("applyInputTemplate", () => {
  it("without a template, the params object is the input (copied, nesting kept)", () => {
    const input = applyInputTemplate(null, params);
    expect(input).toEqual(params);
    expect(input).not.toBe(params);
  });

  it("whole-string placeholders keep the parameter's type; embedded ones are stringified", () => {
    const tpl = {
      model: "resnet50",
      train: { lr: "{{param.lr}}", batch_size: "{{ param.bs }}", betas: "{{param.opt.betas}}" },
      args: ["--opt={{param.opt.name}}", "--lr={{param.lr}}"],
      tag: "bs{{param.bs}}-{{param.opt.name}}",
      fixed: 3,
    };
    expect(applyInputTemplate(tpl, params)).toEqual({
      model: "resnet50",
      train: { lr: 0.01, batch_size: 32, betas: [0.9, 0.999] },
      args: ["--opt=adam", "--lr=0.01"],
      tag: "bs32-adam",
      fixed: 3,
    });
    expect(templatePlaceholders(tpl).sort()).toEqual(["lr", "bs", "opt.betas", "opt.name"].sort());
  });

  it("an unknown placeholder or a non-object template is a clear error", () => {
    expect(() => applyInputTemplate({ x: "{{param.momentum}}" }, params)).toThrow(TemplateError);
    expect(() => applyInputTemplate({ x: "{{param.momentum}}" }, params)).toThrow(/param\.momentum.*names no parameter/);
    expect(() => applyInputTemplate([1, 2], params)).toThrow(/must be a JSON object/);
  });
});

describe("extractMetric", () => {
  const output = { loss: 0.25, metrics: { "val/acc": 0.9, nested: { f1: "0.7" } }, history: [{ loss: 1 }, { loss: 0.5 }], bad: "n/a" };

  it("reads dot and bracket paths, negative indices, quoted keys, numeric strings", () => {
    expect(extractMetric(output, "loss")).toEqual({ ok: true, value: 0.25 });
    expect(extractMetric(output, 'metrics["val/acc"]')).toEqual({ ok: true, value: 0.9 });
    expect(extractMetric(output, "metrics.nested.f1")).toEqual({ ok: true, value: 0.7 });
    expect(extractMetric(output, "history[-1].loss")).toEqual({ ok: true, value: 0.5 });
    expect(extractMetric(output, "history[0].loss")).toEqual({ ok: true, value: 1 });
  });

  it("explains what is missing or not a number", () => {
    expect(extractMetric(output, "acc")).toEqual({ ok: false, error: 'the job output has no "acc"' });
    expect(extractMetric(output, "history[5].loss")).toMatchObject({ ok: false });
    expect(extractMetric(output, "bad")).toEqual({ ok: false, error: "output.bad is not a number (string)" });
    expect(extractMetric(output, "history[x]")).toMatchObject({ ok: false, error: expect.stringMatching(/invalid metric path/) });
    expect(extractMetric(null, "loss")).toMatchObject({ ok: false });
  });

  it("extractTrialMetric: default output[metric.name] (literal key first), or sweepwatch.metric_path", () => {
    const c = parseSweepConfigOrThrow({ method: "random", metric: { name: "val.loss" }, parameters: { a: { values: [1] } } });
    expect(extractTrialMetric({ "val.loss": 2 }, c)).toEqual({ ok: true, value: 2 });
    expect(extractTrialMetric({ val: { loss: 3 } }, c)).toEqual({ ok: true, value: 3 });
    const withPath = parseSweepConfigOrThrow({
      method: "random",
      metric: { name: "loss" },
      parameters: { a: { values: [1] } },
      sweepwatch: { metric_path: "result.scores[0]" },
    });
    expect(extractTrialMetric({ loss: 9, result: { scores: [4, 5] } }, withPath)).toEqual({ ok: true, value: 4 });
  });
});
