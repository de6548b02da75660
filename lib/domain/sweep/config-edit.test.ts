import { describe, expect, it } from "vitest";
import { applyFormToText, configToForm, plainConfigErrors, type SweepForm } from "./config-views";
import { parseSweepConfig, parseSweepConfigOrThrow } from "./parse-config";

const PASTED = `# W&B sweep: keep this comment
program: train.py
name: lr-sweep   # inline comment
method: random
metric: {goal: minimize, name: val_loss}
parameters:
  # learning rate first
  lr:
    max: 0.1
    min: 0.0001
    distribution: log_uniform_values
  opt:
    values: [adam, sgd]
  deep:
    parameters:
      eps: {value: 1.0e-8}
`;

const formOf = (text: string) => configToForm(parseSweepConfigOrThrow(text));
const edit = (f: SweepForm, change: (f: SweepForm) => void): SweepForm => {
  const copy = structuredClone(f);
  change(copy);
  return copy;
};

describe("applyFormToText", () => {
  const before = formOf(PASTED);

  it("returns the pasted text byte for byte when the form did not change", () => {
    const r = applyFormToText(PASTED, before, structuredClone(before));
    expect(r).toEqual({ ok: true, text: PASTED, changed: false });
  });

  it("edits one bound in place and keeps every comment and the key order", () => {
    const after = edit(before, (f) => {
      f.params.find((p) => p.path[0] === "lr")!.max = 0.5;
    });
    const r = applyFormToText(PASTED, before, after);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.text).toContain("# W&B sweep: keep this comment");
    expect(r.text).toContain("# inline comment");
    expect(r.text).toContain("# learning rate first");
    expect(r.text).toContain("max: 0.5");
    expect(r.text.indexOf("max: 0.5")).toBeLessThan(r.text.indexOf("min: 0.0001"));
    expect(r.text.indexOf("program:")).toBeLessThan(r.text.indexOf("name:"));
    expect(r.text).toContain("metric: {goal: minimize, name: val_loss}");
    expect(parseSweepConfigOrThrow(r.text).parameters.lr).toMatchObject({ max: 0.5 });
  });

  it("adds, removes and retypes parameters and writes sweepwatch settings", () => {
    const after = edit(before, (f) => {
      f.params = f.params.filter((p) => p.path[0] !== "opt");
      f.params.push({ path: ["bs"], type: "values", values: [16, 32] });
      f.params.find((p) => p.path[0] === "lr")!.type = "constant";
      f.params.find((p) => p.path[0] === "lr")!.value = 0.01;
      f.parallel = 3;
      f.budgetGpuHours = 2.5;
    });
    const r = applyFormToText(PASTED, before, after);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = parseSweepConfigOrThrow(r.text);
    expect(Object.keys(c.parameters)).toEqual(["lr", "deep", "bs"]);
    expect(c.parameters.lr).toEqual({ distribution: "constant", value: 0.01 });
    expect(c.sweepwatch.parallel).toBe(3);
    expect(c.sweepwatch).toMatchObject({ budget_gpu_hours: 2.5, budget_usd: null });
    expect(r.text).not.toContain("budget_usd");
    expect(r.text).toContain("bs:\n    values: [16, 32]");
    expect(r.text).toContain("# learning rate first");
  });

  it("drops a group that loses its last parameter", () => {
    const after = edit(before, (f) => {
      f.params = f.params.filter((p) => p.path[0] !== "deep");
    });
    const r = applyFormToText(PASTED, before, after);
    expect(r.ok && r.text).not.toContain("deep");
  });

  it("refuses (so the caller warns) when the text uses aliases", () => {
    const text = "method: grid\nparameters:\n  a: &v {values: [1, 2]}\n  b: *v\n";
    const f = formOf(text);
    const r = applyFormToText(text, f, edit(f, (x) => (x.method = "random")));
    expect(r).toEqual({ ok: false, reason: "the config uses YAML anchors and aliases" });
  });

  it("edits JSON text too", () => {
    const text = `{"method": "grid", "parameters": {"a": {"values": [1, 2]}}}`;
    const f = formOf(text);
    const r = applyFormToText(text, f, edit(f, (x) => (x.method = "random")));
    expect(r.ok).toBe(true);
    if (r.ok) expect(parseSweepConfigOrThrow(r.text).method).toBe("random");
  });
});

describe("plainConfigErrors", () => {
  it("points an over-indented key at its own line, in plain words, once", () => {
    const text = "method: grid\nparameters:\n  lr:\n    min: 1\n      max: 2\n";
    const r = parseSweepConfig(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const errs = plainConfigErrors(r.errors, text);
    expect(errs).toHaveLength(1);
    expect(errs[0].line).toBe(5);
    expect(errs[0].message).toMatch(/^line 5 is indented more than line 4 \(“min:”\)/);
  });
  it("explains misaligned keys on the misaligned line", () => {
    const text = "method: grid\nparameters:\n  lr:\n    values: [1, 2]\n   bs:\n    values: [1]\n";
    const r = parseSweepConfig(text);
    const errs = r.ok ? [] : plainConfigErrors(r.errors, text);
    expect(errs[0]).toMatchObject({ line: 5, col: 4 });
    expect(errs[0].message).toMatch(/keys of one mapping must line up/);
  });
});
