// The sweep form and the YAML editor are two views of one SweepConfig:
// configToYaml / parseSweepConfig and configToForm / formToConfig round-trip.
import { Document, isScalar, visit } from "yaml";
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
  };
  const r = parseSweepConfig(raw);
  // Warnings about ignored W&B keys are noise in the form, which carries them on purpose.
  return { ...r, warnings: r.warnings.filter((w) => !Object.hasOwn(passthrough, w.path)) };
}
