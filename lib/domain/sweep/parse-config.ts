import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/** The largest trial budget a sweep may ask for (stored as a 32-bit integer). */
export const MAX_RUN_CAP = 1_000_000;
import { z } from "zod";
import {
  DISTRIBUTIONS,
  METRIC_GOALS,
  METRIC_IMPUTES,
  SWEEP_METHODS,
  SWEEPWATCH_DEFAULTS,
  type ConfigError,
  type ConfigWarning,
  type DistributionName,
  type HyperbandConfig,
  type LeafParam,
  type MetricConfig,
  type ParamNode,
  type ParseResult,
  type SweepConfig,
  type SweepMethod,
  type SweepwatchSettings,
} from "./types";
import { checkMetricPath } from "./metric-path";
import { canonicalKey } from "./canonical";
import { discreteDomain } from "./distributions";
import { flattenParameters } from "./search-space";
import { templatePlaceholders } from "./template";

type Seg = string | number;
type Raw = Record<string, unknown>;

/** W&B keys accepted unchanged but irrelevant to RunPod trials: kept, warned about, not used. */
const IGNORED_TOP_KEYS: Record<string, string> = {
  program: "trials run as RunPod jobs, not local programs",
  command: "trials run as RunPod jobs, not local commands",
  project: "results are stored in sweepwatch, not a W&B project",
  entity: "results are stored in sweepwatch, not a W&B entity",
  job: "W&B Launch jobs are not used",
  image_uri: "W&B Launch images are not used",
  apiVersion: "not used",
  kind: "not used",
  controller: "sweepwatch always runs the controller",
  scheduler: "sweepwatch runs its own grid/random/bayes scheduler",
};
const TOP_KEYS = [
  "method",
  "metric",
  "parameters",
  "run_cap",
  "early_terminate",
  "name",
  "description",
  "sweepwatch",
  "metrics",
  ...Object.keys(IGNORED_TOP_KEYS),
];

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Keys each distribution accepts (W&B's schema sets additionalProperties: false). */
const DIST_KEYS: Record<DistributionName, string[]> = {
  constant: ["value"],
  categorical: ["values", "probabilities"],
  int_uniform: ["min", "max"],
  uniform: ["min", "max"],
  q_uniform: ["min", "max", "q"],
  log_uniform: ["min", "max"],
  log_uniform_values: ["min", "max"],
  q_log_uniform: ["min", "max", "q"],
  q_log_uniform_values: ["min", "max", "q"],
  inv_log_uniform: ["min", "max"],
  inv_log_uniform_values: ["min", "max"],
  normal: ["mu", "sigma"],
  q_normal: ["mu", "sigma", "q"],
  log_normal: ["mu", "sigma"],
  q_log_normal: ["mu", "sigma", "q"],
  beta: ["a", "b"],
  q_beta: ["a", "b", "q"],
};

export function formatPath(path: readonly Seg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

function isPlainObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

function didYouMean(word: string, options: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = editDistance(word.toLowerCase(), o.toLowerCase());
    if (dist < bestD) [best, bestD] = [o, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 4)) ? ` (did you mean "${best}"?)` : "";
}

/** Maps config paths to line:column in the YAML/JSON source, when there is one. */
class Locator {
  constructor(
    private readonly doc: Document | null,
    private readonly lines: LineCounter | null,
  ) {}

  at(path: readonly Seg[], on: "key" | "value" = "value"): { line?: number; col?: number } {
    if (!this.doc || !this.lines) return {};
    let node: unknown = this.doc.contents;
    let keyNode: Node | null = null;
    let offset: number | undefined = (node as Node | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      let next: unknown;
      keyNode = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        next = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        next = node.items[seg];
      } else break;
      const isLast = i === path.length - 1;
      const keyStart = keyNode?.range?.[0];
      const valueStart = (next as Node | null)?.range?.[0];
      if (isLast && on === "key" && keyStart !== undefined) offset = keyStart;
      else offset = valueStart ?? keyStart ?? offset;
      if (!next) break;
      node = next;
    }
    if (offset === undefined) return {};
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** Whether the source wrote this number as a float (`1.0`, `1e-3`); W&B infers uniform vs int_uniform from it. */
  writtenAsFloat(path: readonly Seg[], value: number): boolean {
    if (!Number.isInteger(value)) return true;
    if (!this.doc) return false;
    const node = this.doc.getIn(path as Seg[], true);
    if (!isScalar(node)) return false;
    const src = (node as { source?: string }).source ?? String(node.value);
    return /[.eE]/.test(src);
  }
}

class Ctx {
  errors: ConfigError[] = [];
  warnings: ConfigWarning[] = [];
  constructor(readonly loc: Locator) {}
  error(path: readonly Seg[], message: string, on: "key" | "value" = "value") {
    this.errors.push({ path: formatPath(path), ...this.loc.at(path, on), message });
  }
  warn(path: readonly Seg[], message: string, on: "key" | "value" = "value") {
    this.warnings.push({ path: formatPath(path), ...this.loc.at(path, on), message });
  }
}

function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  const col = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, col };
}

/**
 * Parses a W&B sweep config given as YAML text, JSON text or an already-parsed object.
 * Never throws: returns every problem found with its path and, for text, line:column.
 */
export function parseSweepConfig(input: string | object): ParseResult {
  let raw: unknown;
  let locator: Locator;
  if (typeof input === "string") {
    const trimmed = input.trimStart();
    let jsonError: ConfigError | null = null;
    // Text written as JSON (`{"...` or `[`) must be valid JSON; `{method: grid}` is YAML flow and goes to the YAML parser.
    if (/^(\{\s*["}]|\[)/.test(trimmed)) {
      try {
        JSON.parse(input);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const m = /position (\d+)/.exec(msg);
        const pos = m ? lineColOf(input, Number(m[1])) : /end of JSON/i.test(msg) ? lineColOf(input, input.length) : {};
        const clean = msg.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
        jsonError = { path: "", ...pos, message: `invalid JSON: ${clean}` };
      }
    }
    const lines = new LineCounter();
    const doc = parseDocument(input, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (jsonError) return { ok: false, errors: [jsonError], warnings: [] };
    if (doc.errors.length > 0) {
      return {
        ok: false,
        errors: doc.errors.map((e) => {
          const pos = e.linePos?.[0] ?? lineColOf(input, e.pos[0]);
          return { path: "", line: pos.line, col: pos.col, message: `invalid YAML: ${e.message.split("\n")[0]}` };
        }),
        warnings: [],
      };
    }
    try {
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // "Excessive alias count" (a billion-laughs document) and similar refusals of the YAML library.
      return { ok: false, errors: [{ path: "", line: 1, col: 1, message: `invalid YAML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` }], warnings: [] };
    }
    locator = new Locator(doc, lines);
  } else {
    raw = input;
    locator = new Locator(null, null);
  }
  const ctx = new Ctx(locator);
  const config = validateTop(raw, ctx);
  if (ctx.errors.length > 0 || !config) return { ok: false, errors: ctx.errors, warnings: ctx.warnings };
  return { ok: true, config, warnings: ctx.warnings };
}

/** Like parseSweepConfig but throws with all messages joined; for code paths holding an already-validated config. */
export function parseSweepConfigOrThrow(input: string | object): SweepConfig {
  const r = parseSweepConfig(input);
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join("\n"));
  return r.config;
}

export function formatConfigError(e: ConfigError): string {
  const where = e.line !== undefined ? `line ${e.line}:${e.col}` : "";
  const prefix = [e.path, where].filter(Boolean).join(" @ ");
  return prefix ? `${prefix}: ${e.message}` : e.message;
}

function validateTop(raw: unknown, ctx: Ctx): SweepConfig | undefined {
  if (!isPlainObject(raw)) {
    ctx.error([], `a sweep config must be a mapping of keys (method, metric, parameters, ...), got ${describe(raw)}`);
    return undefined;
  }
  const passthrough: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (key in IGNORED_TOP_KEYS) {
      passthrough[key] = raw[key];
      ctx.warn([key], `"${key}" is accepted for W&B compatibility and ignored: ${IGNORED_TOP_KEYS[key]}`, "key");
    } else if (!TOP_KEYS.includes(key)) {
      ctx.error([key], `unknown key "${key}"${didYouMean(key, TOP_KEYS)}; valid keys: ${TOP_KEYS.slice(0, 8).join(", ")}`, "key");
    }
  }

  let method: SweepMethod | undefined;
  if (raw.method === undefined) ctx.error(["method"], `missing "method": one of ${SWEEP_METHODS.join(", ")}`);
  else if (raw.method === "custom")
    ctx.error(["method"], `method "custom" (Optuna/Ax schedulers) is not supported; use ${SWEEP_METHODS.join(", ")}`);
  else if (typeof raw.method !== "string" || !(SWEEP_METHODS as readonly string[]).includes(raw.method))
    ctx.error(
      ["method"],
      `method must be one of ${SWEEP_METHODS.join(", ")}, got ${describe(raw.method)}${typeof raw.method === "string" ? didYouMean(raw.method, SWEEP_METHODS) : ""}`,
    );
  else method = raw.method as SweepMethod;

  if (raw.metrics !== undefined)
    ctx.error(["metrics"], `"metrics" (multi-objective) is not supported; give a single "metric"`, "key");

  const metric = raw.metric === undefined ? undefined : validateMetric(raw.metric, ctx);
  if (raw.metric === undefined && method === "bayes")
    ctx.error(["method"], `bayes search needs a "metric" (name and goal) to optimise`);
  else if (raw.metric === undefined && method)
    ctx.warn([], `no "metric": trials will record no value, so there is no best trial and no target`);

  let parameters: Record<string, ParamNode> | undefined;
  if (raw.parameters === undefined) ctx.error(["parameters"], `missing "parameters": at least one parameter is required`);
  else parameters = validateParams(raw.parameters, ["parameters"], ctx);

  let run_cap: number | undefined;
  if (raw.run_cap !== undefined) {
    const v = raw.run_cap;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
      ctx.error(["run_cap"], `run_cap must be a positive integer, got ${describe(v)}`);
    else if (v > MAX_RUN_CAP) ctx.error(["run_cap"], `run_cap must be at most ${MAX_RUN_CAP}, got ${describe(v)}`);
    else run_cap = v;
  }

  let early_terminate: HyperbandConfig | undefined;
  if (raw.early_terminate !== undefined) {
    early_terminate = validateHyperband(raw.early_terminate, ctx);
    if (raw.metric === undefined) ctx.error(["early_terminate"], `early_terminate needs a "metric" to compare trials`, "key");
  }

  for (const key of ["name", "description"] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== "string")
      ctx.error([key], `${key} must be a string, got ${describe(raw[key])}`);
  }

  const sweepwatch = raw.sweepwatch === undefined ? { ...SWEEPWATCH_DEFAULTS } : validateSweepwatch(raw.sweepwatch, parameters, ctx);

  if (method === "grid" && parameters) checkGrid(parameters, ["parameters"], ctx);

  if (!method || !parameters || !sweepwatch) return undefined;
  const config: SweepConfig = { method, parameters, sweepwatch, passthrough };
  if (metric) config.metric = metric;
  if (run_cap !== undefined) config.run_cap = run_cap;
  if (early_terminate) config.early_terminate = early_terminate;
  if (typeof raw.name === "string") config.name = raw.name;
  if (typeof raw.description === "string") config.description = raw.description;
  return config;
}

function validateMetric(raw: unknown, ctx: Ctx): MetricConfig | undefined {
  const path = ["metric"];
  if (!isPlainObject(raw)) {
    ctx.error(path, `metric must be a mapping with "name" and "goal", got ${describe(raw)}`);
    return undefined;
  }
  const keys = ["name", "goal", "target", "impute", "impute_while_running"];
  for (const k of Object.keys(raw))
    if (!keys.includes(k)) ctx.error([...path, k], `unknown key "${k}" in metric${didYouMean(k, keys)}; valid: ${keys.join(", ")}`, "key");
  let ok = true;
  if (typeof raw.name !== "string" || raw.name.trim() === "") {
    ctx.error([...path, "name"], raw.name === undefined ? `missing metric.name` : `metric.name must be a non-empty string`);
    ok = false;
  }
  const goal = raw.goal ?? "minimize";
  if (typeof goal !== "string" || !(METRIC_GOALS as readonly string[]).includes(goal)) {
    ctx.error([...path, "goal"], `metric.goal must be "minimize" or "maximize", got ${describe(goal)}`);
    ok = false;
  }
  if (raw.target !== undefined && (typeof raw.target !== "number" || !Number.isFinite(raw.target))) {
    ctx.error([...path, "target"], `metric.target must be a number, got ${describe(raw.target)}`);
    ok = false;
  }
  if (raw.impute !== undefined && !(METRIC_IMPUTES as readonly unknown[]).includes(raw.impute)) {
    ctx.error([...path, "impute"], `metric.impute must be one of ${METRIC_IMPUTES.join(", ")}`);
    ok = false;
  }
  if (raw.impute_while_running !== undefined) ctx.warn([...path, "impute_while_running"], `ignored by sweepwatch`, "key");
  if (!ok) return undefined;
  const metric: MetricConfig = { name: raw.name as string, goal: goal as MetricConfig["goal"] };
  if (typeof raw.target === "number") metric.target = raw.target;
  if (raw.impute !== undefined) metric.impute = raw.impute as MetricConfig["impute"];
  return metric;
}

function validateParams(raw: unknown, path: Seg[], ctx: Ctx): Record<string, ParamNode> | undefined {
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    ctx.error(path, `${formatPath(path)} must be a non-empty mapping of parameter names to specs, got ${describe(raw)}`);
    return undefined;
  }
  const out: Record<string, ParamNode> = {};
  let ok = true;
  for (const [name, spec] of Object.entries(raw)) {
    const p = [...path, name];
    if (!PARAM_NAME.test(name)) {
      ctx.error(p, `parameter name "${name}" must start with a letter or _ and contain only letters, digits, _ . -`, "key");
      ok = false;
      continue;
    }
    const node = validateParam(spec, p, ctx);
    if (node) out[name] = node;
    else ok = false;
  }
  return ok ? out : undefined;
}

function validateParam(raw: unknown, path: Seg[], ctx: Ctx): ParamNode | undefined {
  const name = formatPath(path);
  if (!isPlainObject(raw)) {
    ctx.error(
      path,
      `${name} must be a mapping such as {values: [...]}, {value: x} or {min: a, max: b}, got ${describe(raw)}` +
        (Array.isArray(raw) ? ` (write it as "values: [...]")` : ""),
    );
    return undefined;
  }
  if ("parameters" in raw) {
    for (const k of Object.keys(raw))
      if (k !== "parameters") ctx.error([...path, k], `a nested parameter takes only "parameters", not "${k}"`, "key");
    const inner = validateParams(raw.parameters, [...path, "parameters"], ctx);
    return inner && Object.keys(raw).length === 1 ? { parameters: inner } : undefined;
  }

  let dist: DistributionName;
  if (raw.distribution !== undefined) {
    const d = raw.distribution === "categorical_w_probabilities" ? "categorical" : raw.distribution;
    if (typeof d !== "string" || !(DISTRIBUTIONS as readonly string[]).includes(d)) {
      ctx.error(
        [...path, "distribution"],
        `unknown distribution ${describe(raw.distribution)}${typeof d === "string" ? didYouMean(d, DISTRIBUTIONS) : ""}; valid: ${DISTRIBUTIONS.join(", ")}`,
      );
      return undefined;
    }
    dist = d as DistributionName;
  } else if ("value" in raw) dist = "constant";
  else if ("values" in raw) dist = "categorical";
  else if ("min" in raw && "max" in raw) {
    const ints =
      typeof raw.min === "number" &&
      typeof raw.max === "number" &&
      !ctx.loc.writtenAsFloat([...path, "min"], raw.min) &&
      !ctx.loc.writtenAsFloat([...path, "max"], raw.max);
    dist = ints ? "int_uniform" : "uniform";
    if (ints)
      ctx.warn(path, `min and max are integers, so ${name} is sampled as int_uniform (W&B rule); add "distribution: uniform" for real values`, "key");
  } else if ("mu" in raw || "sigma" in raw || "q" in raw || "a" in raw || "b" in raw) {
    ctx.error([...path, "distribution"], `${name} needs "distribution" (e.g. normal, q_uniform) when it uses mu/sigma/q/a/b`);
    return undefined;
  } else {
    ctx.error(path, `cannot tell the distribution of ${name}: give "values", "value", "min" and "max", or "distribution"`, "key");
    return undefined;
  }

  const allowed = ["distribution", ...DIST_KEYS[dist]];
  let ok = true;
  for (const k of Object.keys(raw)) {
    if (!allowed.includes(k)) {
      ctx.error([...path, k], `"${k}" does not apply to distribution ${dist}${didYouMean(k, allowed)}; allowed: ${allowed.join(", ")}`, "key");
      ok = false;
    }
  }

  const num = (key: string, opts: { dflt?: number; int?: boolean; gt?: number; ge?: number } = {}): number | undefined => {
    const v = raw[key];
    if (v === undefined) {
      if (opts.dflt !== undefined) return opts.dflt;
      ctx.error([...path, key], `missing "${key}" (required by ${dist})`);
      return undefined;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      ctx.error([...path, key], `${key} must be a number, got ${describe(v)}`);
      return undefined;
    }
    if (opts.int && !Number.isInteger(v)) {
      ctx.error([...path, key], `${key} must be an integer for ${dist}, got ${v}`);
      return undefined;
    }
    if (opts.gt !== undefined && !(v > opts.gt)) {
      ctx.error([...path, key], `${key} must be > ${opts.gt} for ${dist}, got ${v}`);
      return undefined;
    }
    if (opts.ge !== undefined && !(v >= opts.ge)) {
      ctx.error([...path, key], `${key} must be >= ${opts.ge} for ${dist}, got ${v}`);
      return undefined;
    }
    return v;
  };
  const bounds = (positive: boolean, int = false): [number, number] | undefined => {
    const min = num("min", { int, ...(positive ? { gt: 0 } : {}) });
    const max = num("max", { int, ...(positive ? { gt: 0 } : {}) });
    if (min === undefined || max === undefined) return undefined;
    if (!(min < max)) {
      ctx.error([...path, "max"], `min must be < max (min ${min}, max ${max})`);
      return undefined;
    }
    return [min, max];
  };

  let leaf: LeafParam | undefined;
  switch (dist) {
    case "constant":
      if (!("value" in raw)) ctx.error([...path, "value"], `missing "value" (required by constant)`);
      else leaf = { distribution: "constant", value: raw.value };
      break;
    case "categorical": {
      const values = raw.values;
      if (!Array.isArray(values) || values.length === 0) {
        ctx.error([...path, "values"], `values must be a non-empty list, got ${describe(values)}`);
        break;
      }
      const seen = new Set<string>();
      values.forEach((v, i) => {
        const k = canonicalKey(v);
        if (seen.has(k)) ctx.warn([...path, "values", i], `duplicate value ${JSON.stringify(v)} in ${name}.values; it counts once`);
        seen.add(k);
      });
      leaf = { distribution: "categorical", values };
      if (raw.probabilities !== undefined) {
        const probs = raw.probabilities;
        if (!Array.isArray(probs) || probs.some((p) => typeof p !== "number" || !Number.isFinite(p) || p < 0)) {
          ctx.error([...path, "probabilities"], `probabilities must be a list of numbers >= 0`);
          leaf = undefined;
        } else if (probs.length !== values.length) {
          ctx.error([...path, "probabilities"], `probabilities has ${probs.length} entries but values has ${values.length}`);
          leaf = undefined;
        } else {
          const sum = (probs as number[]).reduce((a, b) => a + b, 0);
          if (Math.abs(sum - 1) > 1e-6) {
            ctx.error([...path, "probabilities"], `probabilities must sum to 1, they sum to ${sum}`);
            leaf = undefined;
          } else leaf.probabilities = probs as number[];
        }
      }
      break;
    }
    case "int_uniform": {
      const b = bounds(false, true);
      if (b) leaf = { distribution: dist, min: b[0], max: b[1] };
      break;
    }
    case "uniform":
    case "log_uniform":
    case "inv_log_uniform": {
      const b = bounds(false);
      if (b) leaf = { distribution: dist, min: b[0], max: b[1] };
      if (b && dist !== "uniform" && b[0] > 0 && b[1] <= 1)
        ctx.warn(
          path,
          `${dist} takes natural-log exponents: ${name} will lie between ${fmt(dist === "log_uniform" ? Math.exp(b[0]) : Math.exp(-b[1]))} and ${fmt(dist === "log_uniform" ? Math.exp(b[1]) : Math.exp(-b[0]))}; for actual values use ${dist}_values`,
          "key",
        );
      break;
    }
    case "log_uniform_values":
    case "inv_log_uniform_values": {
      const b = bounds(true);
      if (b) leaf = { distribution: dist, min: b[0], max: b[1] };
      break;
    }
    case "q_uniform":
    case "q_log_uniform":
    case "q_log_uniform_values": {
      const b = bounds(dist === "q_log_uniform_values");
      const q = num("q", { dflt: 1, gt: 0 });
      if (b && q !== undefined) leaf = { distribution: dist, min: b[0], max: b[1], q };
      break;
    }
    case "normal":
    case "log_normal": {
      const mu = num("mu", { dflt: 0 });
      const sigma = num("sigma", { dflt: 1, gt: 0 });
      if (mu !== undefined && sigma !== undefined) leaf = { distribution: dist, mu, sigma };
      break;
    }
    case "q_normal":
    case "q_log_normal": {
      const mu = num("mu", { dflt: 0 });
      const sigma = num("sigma", { dflt: 1, gt: 0 });
      const q = num("q", { dflt: 1, gt: 0 });
      if (mu !== undefined && sigma !== undefined && q !== undefined) leaf = { distribution: dist, mu, sigma, q };
      break;
    }
    case "beta":
    case "q_beta": {
      const a = num("a", { dflt: 1, gt: 0 });
      const b = num("b", { dflt: 1, gt: 0 });
      const q = dist === "q_beta" ? num("q", { dflt: 1, gt: 0 }) : 0;
      if (a !== undefined && b !== undefined && q !== undefined)
        leaf = dist === "beta" ? { distribution: "beta", a, b } : { distribution: "q_beta", a, b, q };
      break;
    }
  }
  return ok ? leaf : undefined;
}

function fmt(n: number): string {
  return Number(n.toPrecision(4)).toString();
}

const GRID_OK = new Set(["constant", "categorical", "int_uniform", "q_uniform"]);

function checkGrid(params: Record<string, ParamNode>, path: Seg[], ctx: Ctx) {
  for (const [name, node] of Object.entries(params)) {
    const p = [...path, name];
    if ("parameters" in node) {
      checkGrid(node.parameters, [...p, "parameters"], ctx);
      continue;
    }
    if (!GRID_OK.has(node.distribution))
      ctx.error(
        [...p, "distribution"],
        `grid search needs discrete values: ${formatPath(p)} has a continuous distribution (${node.distribution}); use values, int_uniform or q_uniform, or method random/bayes`,
      );
    else if (discreteDomain(node)?.count === 0)
      ctx.error(p, `${formatPath(p)} has no multiple of q between min and max, so the grid would be empty`, "key");
    else if (node.distribution === "categorical" && node.probabilities)
      ctx.error([...p, "probabilities"], `grid search runs every value once, so probabilities are not allowed (${formatPath(p)})`, "key");
  }
}

function validateHyperband(raw: unknown, ctx: Ctx): HyperbandConfig | undefined {
  const path = ["early_terminate"];
  if (!isPlainObject(raw)) {
    ctx.error(path, `early_terminate must be a mapping like {type: hyperband, min_iter: 3}, got ${describe(raw)}`);
    return undefined;
  }
  const keys = ["type", "min_iter", "max_iter", "s", "eta", "strict"];
  let ok = true;
  for (const k of Object.keys(raw))
    if (!keys.includes(k)) {
      ctx.error([...path, k], `unknown key "${k}" in early_terminate${didYouMean(k, keys)}; valid: ${keys.join(", ")}`, "key");
      ok = false;
    }
  if (raw.type !== "hyperband") {
    ctx.error([...path, "type"], raw.type === undefined ? `missing early_terminate.type (only "hyperband" exists)` : `early_terminate.type must be "hyperband", got ${describe(raw.type)}`);
    ok = false;
  }
  const int = (k: string, min: number): number | undefined => {
    const v = raw[k];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      ctx.error([...path, k], `${k} must be an integer >= ${min}, got ${describe(v)}`);
      ok = false;
      return undefined;
    }
    return v;
  };
  const min_iter = int("min_iter", 1);
  const max_iter = int("max_iter", 1);
  const s = int("s", 1);
  let eta = 3;
  if (raw.eta !== undefined) {
    if (typeof raw.eta !== "number" || !(raw.eta > 1)) {
      ctx.error([...path, "eta"], `eta must be a number > 1, got ${describe(raw.eta)}`);
      ok = false;
    } else eta = raw.eta;
  }
  let strict = true;
  if (raw.strict !== undefined) {
    if (typeof raw.strict !== "boolean") {
      ctx.error([...path, "strict"], `strict must be true or false, got ${describe(raw.strict)}`);
      ok = false;
    } else strict = raw.strict;
  }
  if (raw.max_iter !== undefined && raw.s === undefined) {
    ctx.error([...path, "s"], `max_iter needs "s" (how many brackets below max_iter)`);
    ok = false;
  }
  if (raw.max_iter === undefined && raw.min_iter === undefined) {
    ctx.error(path, `hyperband needs "min_iter", or "max_iter" and "s"`, "key");
    ok = false;
  }
  if (max_iter !== undefined && raw.min_iter !== undefined)
    ctx.warn([...path, "min_iter"], `min_iter is ignored when max_iter is given (W&B rule)`, "key");
  if (ok && max_iter !== undefined && max_iter / eta < 1) {
    ctx.error([...path, "max_iter"], `max_iter / eta < 1: no bracket to stop at; raise max_iter or lower eta`);
    ok = false;
  }
  if (!ok) return undefined;
  const cfg: HyperbandConfig = { type: "hyperband", eta, strict };
  if (max_iter !== undefined) {
    cfg.max_iter = max_iter;
    cfg.s = s;
  } else cfg.min_iter = min_iter;
  return cfg;
}

const SweepwatchSchema = z
  .object({
    parallel: z.number().int().min(1).max(1000).default(SWEEPWATCH_DEFAULTS.parallel),
    failed_budget: z.number().int().min(0).default(SWEEPWATCH_DEFAULTS.failed_budget),
    input_template: z.record(z.string(), z.unknown()).nullable().default(null),
    metric_path: z.string().min(1).nullable().default(null),
    seed: z.number().int().min(0).max(0xffffffff).nullable().default(null),
    budget_gpu_hours: z.number().gt(0).max(1_000_000).nullable().default(null),
    budget_usd: z.number().gt(0).max(10_000_000).nullable().default(null),
  })
  .strict();

function validateSweepwatch(raw: unknown, params: Record<string, ParamNode> | undefined, ctx: Ctx): SweepwatchSettings | undefined {
  const r = SweepwatchSchema.safeParse(raw);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const p: Seg[] = ["sweepwatch", ...(issue.path as Seg[])];
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys)
          ctx.error([...p, k], `unknown key "${k}" in sweepwatch${didYouMean(k, Object.keys(SweepwatchSchema.shape))}; valid: ${Object.keys(SweepwatchSchema.shape).join(", ")}`, "key");
      } else {
        const field = formatPath(p);
        const hint: Record<string, string> = {
          "sweepwatch.parallel": "an integer from 1 to 1000",
          "sweepwatch.failed_budget": "an integer >= 0",
          "sweepwatch.input_template": "a JSON object (the RunPod input) or null",
          "sweepwatch.metric_path": "a path such as metrics.loss or history[-1].loss",
          "sweepwatch.seed": "an integer from 0 to 4294967295",
          "sweepwatch.budget_gpu_hours": "a number of GPU-hours above 0 (at most 1000000), or null for no limit",
          "sweepwatch.budget_usd": "an amount in USD above 0 (at most 10000000), or null for no limit",
        };
        ctx.error(p, hint[field] ? `${field} must be ${hint[field]}` : `${field}: ${issue.message}`);
      }
    }
    return undefined;
  }
  if (r.data.input_template !== null && params) {
    const known = flattenParameters(params).map((f) => f.path);
    for (const ph of templatePlaceholders(r.data.input_template)) {
      if (!known.some((k) => k === ph || k.startsWith(`${ph}.`)))
        ctx.error(["sweepwatch", "input_template"], `placeholder {{param.${ph}}} names no parameter; parameters: ${known.join(", ")}`);
    }
  }
  if (r.data.metric_path !== null) {
    const problem = checkMetricPath(r.data.metric_path);
    if (problem) {
      ctx.error(["sweepwatch", "metric_path"], `invalid metric_path: ${problem}`);
      return undefined;
    }
  }
  return r.data;
}
