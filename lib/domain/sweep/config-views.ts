// The sweep form and the YAML editor are two views of one SweepConfig:
// configToYaml / parseSweepConfig and configToForm / formToConfig round-trip.
import { Document, isMap, isScalar, isSeq, parseDocument, visit } from "yaml";
import { flattenParameters } from "./search-space";
import { parseSweepConfig } from "./parse-config";
import {
  SWEEPWATCH_DEFAULTS,
  type DistributionName,
  type HyperbandConfig,
  type LeafParam,
  type MetricGoal,
  type ParamNode,
  type ParseResult,
  type SweepConfig,
  type SweepMethod,
} from "./types";

function leafToRaw(p: LeafParam): Record<string, unknown> {
  switch (p.distribution) {
    case "constant":
      return { value: p.value };
    case "categorical":
      return p.probabilities ? { values: p.values, probabilities: p.probabilities } : { values: p.values };
    default: {
      // Always explicit: `min: 0, max: 1` without it would be read back as int_uniform.
      const { distribution, ...rest } = p;
      return { distribution, ...rest };
    }
  }
}

function paramsToRaw(params: Record<string, ParamNode>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, node]) => [k, "parameters" in node ? { parameters: paramsToRaw(node.parameters) } : leafToRaw(node)]),
  );
}

/** The config as a plain W&B-shaped object (what the YAML editor shows). */
export function configToRaw(config: SweepConfig, opts: { wandbOnly?: boolean } = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  if (config.name !== undefined) raw.name = config.name;
  if (config.description !== undefined) raw.description = config.description;
  for (const [k, v] of Object.entries(config.passthrough)) raw[k] = v;
  raw.method = config.method;
  if (config.metric) {
    const m: Record<string, unknown> = { name: config.metric.name, goal: config.metric.goal };
    if (config.metric.target !== undefined) m.target = config.metric.target;
    if (config.metric.impute !== undefined) m.impute = config.metric.impute;
    raw.metric = m;
  }
  if (config.run_cap !== undefined) raw.run_cap = config.run_cap;
  if (config.early_terminate) {
    const { type, min_iter, max_iter, s, eta, strict } = config.early_terminate;
    raw.early_terminate = { type, ...(max_iter !== undefined ? { max_iter, s } : { min_iter }), eta, strict };
  }
  raw.parameters = paramsToRaw(config.parameters);
  if (!opts.wandbOnly) {
    const sw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config.sweepwatch))
      if (JSON.stringify(v) !== JSON.stringify(SWEEPWATCH_DEFAULTS[k as keyof typeof SWEEPWATCH_DEFAULTS])) sw[k] = v;
    if (Object.keys(sw).length > 0) raw.sweepwatch = sw;
  }
  return raw;
}

/** YAML for the editor. `wandbOnly` drops the `sweepwatch:` block so W&B accepts the file. */
export function configToYaml(config: SweepConfig, opts: { wandbOnly?: boolean } = {}): string {
  // YAML 1.1 output quotes strings PyYAML (W&B) would read as booleans, e.g. "yes", "on".
  const doc = new Document(configToRaw(config, opts), { version: "1.1" });
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export type FormParamType = "constant" | "values" | "distribution";

export interface FormParam {
  /** ["optimizer", "lr"] for a nested parameter */
  path: string[];
  type: FormParamType;
  /** type "constant" */
  value?: unknown;
  /** type "values" */
  values?: unknown[];
  probabilities?: number[] | null;
  /** type "distribution": any distribution except constant/categorical, with its bounds */
  distribution?: Exclude<DistributionName, "constant" | "categorical">;
  min?: number;
  max?: number;
  mu?: number;
  sigma?: number;
  q?: number;
  a?: number;
  b?: number;
}

export interface SweepForm {
  name: string;
  description: string;
  method: SweepMethod;
  metric: { name: string; goal: MetricGoal; target: number | null } | null;
  runCap: number | null;
  params: FormParam[];
  earlyTerminate: HyperbandConfig | null;
  parallel: number;
  failedBudget: number;
  /** RunPod input template object; null = params merged into input */
  inputTemplate: Record<string, unknown> | null;
  metricPath: string | null;
  seed: number | null;
  budgetGpuHours: number | null;
  budgetUsd: number | null;
  /** W&B keys the form does not edit, carried along */
  extra: Record<string, unknown>;
}

export function emptyForm(): SweepForm {
  return {
    name: "",
    description: "",
    method: "random",
    metric: { name: "loss", goal: "minimize", target: null },
    runCap: null,
    params: [],
    earlyTerminate: null,
    parallel: SWEEPWATCH_DEFAULTS.parallel,
    failedBudget: SWEEPWATCH_DEFAULTS.failed_budget,
    inputTemplate: null,
    metricPath: null,
    seed: null,
    budgetGpuHours: null,
    budgetUsd: null,
    extra: {},
  };
}

export function configToForm(config: SweepConfig): SweepForm {
  const params: FormParam[] = flattenParameters(config.parameters).map(({ segments, spec }) => {
    if (spec.distribution === "constant") return { path: segments, type: "constant", value: spec.value };
    if (spec.distribution === "categorical")
      return { path: segments, type: "values", values: spec.values, probabilities: spec.probabilities ?? null };
    const { distribution, ...bounds } = spec;
    return { path: segments, type: "distribution", distribution, ...bounds };
  });
  return {
    name: config.name ?? "",
    description: config.description ?? "",
    method: config.method,
    metric: config.metric ? { name: config.metric.name, goal: config.metric.goal, target: config.metric.target ?? null } : null,
    runCap: config.run_cap ?? null,
    params,
    earlyTerminate: config.early_terminate ?? null,
    parallel: config.sweepwatch.parallel,
    failedBudget: config.sweepwatch.failed_budget,
    inputTemplate: (config.sweepwatch.input_template as Record<string, unknown> | null) ?? null,
    metricPath: config.sweepwatch.metric_path,
    seed: config.sweepwatch.seed,
    budgetGpuHours: config.sweepwatch.budget_gpu_hours,
    budgetUsd: config.sweepwatch.budget_usd,
    extra: { ...config.passthrough, ...(config.metric?.impute ? { "metric.impute": config.metric.impute } : {}) },
  };
}

const BOUND_KEYS = ["min", "max", "mu", "sigma", "q", "a", "b"] as const;

/** Builds and validates the config a form describes; errors carry config paths (parameters.lr.max, ...). */
export function formToConfig(form: SweepForm): ParseResult {
  const parameters: Record<string, unknown> = {};
  const conflicts: string[] = [];
  for (const p of form.params) {
    let level = parameters;
    p.path.forEach((seg, i) => {
      const last = i === p.path.length - 1;
      const existing = level[seg] as Record<string, unknown> | undefined;
      if (last) {
        if (existing !== undefined) conflicts.push(p.path.join("."));
        const leaf: Record<string, unknown> = {};
        if (p.type === "constant") leaf.value = p.value;
        else if (p.type === "values") {
          leaf.values = p.values ?? [];
          if (p.probabilities) leaf.probabilities = p.probabilities;
        } else {
          leaf.distribution = p.distribution;
          for (const k of BOUND_KEYS) if (p[k] !== undefined && p[k] !== null) leaf[k] = p[k];
        }
        level[seg] = leaf;
      } else {
        if (existing === undefined) level[seg] = { parameters: {} };
        const group = level[seg] as Record<string, unknown>;
        if (!group.parameters) {
          conflicts.push(p.path.slice(0, i + 1).join("."));
          return;
        }
        level = group.parameters as Record<string, unknown>;
      }
    });
  }
  if (conflicts.length > 0)
    return {
      ok: false,
      errors: conflicts.map((c) => ({ path: `parameters.${c}`, message: `${c} is defined twice (or both as a parameter and as a group)` })),
      warnings: [],
    };

  const { "metric.impute": impute, ...passthrough } = form.extra;
  const raw: Record<string, unknown> = { ...passthrough, method: form.method, parameters };
  if (form.name) raw.name = form.name;
  if (form.description) raw.description = form.description;
  if (form.metric) {
    const m: Record<string, unknown> = { name: form.metric.name, goal: form.metric.goal };
    if (form.metric.target !== null) m.target = form.metric.target;
    if (impute !== undefined) m.impute = impute;
    raw.metric = m;
  }
  if (form.runCap !== null) raw.run_cap = form.runCap;
  if (form.earlyTerminate) raw.early_terminate = form.earlyTerminate;
  raw.sweepwatch = {
    parallel: form.parallel,
    failed_budget: form.failedBudget,
    input_template: form.inputTemplate,
    metric_path: form.metricPath === "" ? null : form.metricPath,
    seed: form.seed,
    ...(form.budgetGpuHours !== null ? { budget_gpu_hours: form.budgetGpuHours } : {}),
    ...(form.budgetUsd !== null ? { budget_usd: form.budgetUsd } : {}),
  };
  const r = parseSweepConfig(raw);
  // Warnings about ignored W&B keys are noise in the form, which carries them on purpose.
  return { ...r, warnings: r.warnings.filter((w) => !Object.hasOwn(passthrough, w.path)) };
}

export type TextEdit = { ok: true; text: string; changed: boolean } | { ok: false; reason: string };

function formLeafRaw(p: FormParam): Record<string, unknown> {
  if (p.type === "constant") return { value: p.value };
  if (p.type === "values") return p.probabilities ? { values: p.values ?? [], probabilities: p.probabilities } : { values: p.values ?? [] };
  const leaf: Record<string, unknown> = { distribution: p.distribution };
  for (const k of BOUND_KEYS) if (p[k] !== undefined && p[k] !== null) leaf[k] = p[k];
  return leaf;
}

const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v;
const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
const paramDocPath = (path: string[]) => path.flatMap((seg) => ["parameters", seg]);

/**
 * Applies what changed between two forms to the config text in place (yaml's Document API), so comments,
 * key order and untouched formatting stay. Returns the text unchanged (byte for byte) when the forms are
 * equal, and `ok: false` when an in-place edit cannot give exactly the config the form describes; the
 * caller then warns before it rewrites the text.
 */
export function applyFormToText(text: string, before: SweepForm, after: SweepForm): TextEdit {
  if (same(before, after)) return { ok: true, text, changed: false };
  const target = formToConfig(after);
  if (!target.ok) return { ok: false, reason: "the form has errors" };
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { ok: false, reason: "the text does not parse" };
  if (!isMap(doc.contents)) return { ok: false, reason: "the config is not a mapping" };
  let usesAliases = false;
  visit(doc, { Alias: () => { usesAliases = true; return visit.BREAK; } });
  if (usesAliases) return { ok: false, reason: "the config uses YAML anchors and aliases" };

  const put = (path: (string | number)[], value: unknown) => {
    const node = doc.createNode(value);
    visit(node, { Seq(_, n) { if (n.items.every((i) => isScalar(i))) n.flow = true; } });
    if (isSeq(node) && node.items.every((i) => isScalar(i))) node.flow = true;
    doc.setIn(path, node);
  };
  const drop = (path: (string | number)[]) => {
    if (doc.hasIn(path)) doc.deleteIn(path);
  };
  const setOrDrop = (path: string[], value: unknown, absent: (v: unknown) => boolean) => (absent(value) ? drop(path) : put(path, value));
  const empty = (v: unknown) => v === null || v === undefined || v === "";

  if (before.name !== after.name) setOrDrop(["name"], after.name, empty);
  if (before.description !== after.description) setOrDrop(["description"], after.description, empty);
  if (before.method !== after.method) put(["method"], after.method);
  if (!same(before.metric, after.metric)) {
    if (!after.metric) drop(["metric"]);
    else {
      const b = before.metric;
      if (!b || b.name !== after.metric.name) put(["metric", "name"], after.metric.name);
      if (!b || b.goal !== after.metric.goal) put(["metric", "goal"], after.metric.goal);
      if (!b || b.target !== after.metric.target) setOrDrop(["metric", "target"], after.metric.target, empty);
    }
  }
  if (before.runCap !== after.runCap) setOrDrop(["run_cap"], after.runCap, empty);
  if (!same(before.earlyTerminate, after.earlyTerminate)) {
    if (!after.earlyTerminate) drop(["early_terminate"]);
    else {
      const b = (before.earlyTerminate ?? {}) as Record<string, unknown>;
      const a = after.earlyTerminate as unknown as Record<string, unknown>;
      for (const k of new Set([...Object.keys(b), ...Object.keys(a)]))
        if (!same(b[k], a[k])) setOrDrop(["early_terminate", k], a[k], (v) => v === undefined);
    }
  }
  const sw: [keyof SweepForm, keyof typeof SWEEPWATCH_DEFAULTS][] = [
    ["parallel", "parallel"],
    ["failedBudget", "failed_budget"],
    ["inputTemplate", "input_template"],
    ["metricPath", "metric_path"],
    ["seed", "seed"],
    ["budgetGpuHours", "budget_gpu_hours"],
    ["budgetUsd", "budget_usd"],
  ];
  for (const [fk, yk] of sw) {
    const v = fk === "metricPath" && after.metricPath === "" ? null : after[fk];
    if (same(before[fk], after[fk])) continue;
    if (same(v, SWEEPWATCH_DEFAULTS[yk]) && !doc.hasIn(["sweepwatch", yk])) continue;
    put(["sweepwatch", yk], v);
  }

  const key = (p: FormParam) => p.path.join("\u0000");
  const beforeParams = new Map(before.params.map((p) => [key(p), p]));
  const afterKeys = new Set(after.params.map(key));
  for (const p of before.params) if (!afterKeys.has(key(p))) drop(paramDocPath(p.path));
  for (const p of after.params) {
    const old = beforeParams.get(key(p));
    const a = formLeafRaw(p);
    if (!old) {
      put(paramDocPath(p.path), a);
      continue;
    }
    const b = formLeafRaw(old);
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)]))
      if (!same(b[k], a[k])) setOrDrop([...paramDocPath(p.path), k], a[k], (v) => v === undefined);
  }
  // Groups left without parameters would be an invalid config.
  for (const p of before.params)
    for (let i = p.path.length - 1; i > 0; i--) {
      const group = doc.getIn([...paramDocPath(p.path.slice(0, i)), "parameters"]);
      if (isMap(group) && group.items.length === 0) drop(paramDocPath(p.path.slice(0, i)));
    }

  // JSON has no comments to keep; it stays JSON, in its key order.
  const isJson = /^(\{\s*["}]|\[)/.test(text.trimStart());
  const out = isJson ? JSON.stringify(doc.toJS(), null, 2) + "\n" : doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const check = parseSweepConfig(out);
  if (!check.ok || !same(check.config, target.config))
    return { ok: false, reason: "an in-place edit would not give the config the form describes" };
  return { ok: true, text: out, changed: true };
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * Rewrites the YAML parser's indentation errors in plain words, on the line that is wrong. The parser
 * reports an over-indented `key: value` on the line *above* it ("Nested mappings are not allowed in
 * compact mappings", plus "Implicit keys need to be on a single line" for the same spot).
 */
export function plainConfigErrors<E extends { path: string; message: string; line?: number; col?: number }>(errors: E[], text: string): E[] {
  const lines = text.split(/\r?\n/);
  const out: E[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let fixed: E = e;
    if (e.line !== undefined && /Nested mappings are not allowed in compact mappings|Implicit keys need to be on a single line/.test(e.message)) {
      const above = e.line;
      let n = above; // 0-based index of the next non-blank line = line number `above + 1` - 1
      while (n < lines.length && lines[n].trim() === "") n++;
      if (n < lines.length) {
        const key = lines[above - 1].trim().split(":")[0];
        fixed = {
          ...e,
          line: n + 1,
          col: indentOf(lines[n]) + 1,
          message: `line ${n + 1} is indented more than line ${above} (“${key}:”), which already has a value. Indent it like “${key}:” if it is a sibling key, or move the value of “${key}:” onto its own lines.`,
        };
      }
    } else if (e.line !== undefined && /All mapping items must start at the same column/.test(e.message)) {
      const l = lines[e.line - 1] ?? "";
      fixed = {
        ...e,
        col: indentOf(l) + 1,
        message: `line ${e.line} starts in column ${indentOf(l) + 1}, but the keys it follows start elsewhere: keys of one mapping must line up (use spaces, the same number for each level).`,
      };
    }
    const k = `${fixed.line}:${fixed.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(fixed);
    }
  }
  return out;
}
