import type { Params, SweepConfig } from "./types";
import { getAtPath, parseMetricPath } from "./metric-path";

const WHOLE = /^\{\{\s*param\.([^{}\s]+)\s*\}\}$/;
const ANY = /\{\{\s*param\.([^{}\s]+)\s*\}\}/g;

export class TemplateError extends Error {}

function lookup(params: Params, dotted: string): unknown {
  const r = getAtPath(params, dotted.split("."));
  if (!r.found) throw new TemplateError(`template placeholder {{param.${dotted}}} names no parameter`);
  return r.value;
}

function fill(node: unknown, params: Params): unknown {
  if (typeof node === "string") {
    const whole = WHOLE.exec(node);
    // A string that is only a placeholder takes the parameter's own type (number, list, ...).
    if (whole) return lookup(params, whole[1]);
    return node.replace(ANY, (_, p: string) => {
      const v = lookup(params, p);
      return typeof v === "string" ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(node)) return node.map((n) => fill(n, params));
  if (node !== null && typeof node === "object")
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, params)]));
  return node;
}

/**
 * Builds the RunPod job `input` for one trial. Without a template the params object
 * is the input (nested params stay nested). With a template (a JSON object),
 * every "{{param.path}}" is replaced; throws TemplateError for an unknown parameter.
 */
export function applyInputTemplate(template: unknown | null | undefined, params: Params): Record<string, unknown> {
  if (template === null || template === undefined) return structuredClone(params);
  if (typeof template !== "object" || Array.isArray(template))
    throw new TemplateError("the input template must be a JSON object (RunPod's input is an object)");
  return fill(template, params) as Record<string, unknown>;
}

/** Placeholders a template uses, e.g. ["lr", "optimizer.momentum"]; for validating templates against a config. */
export function templatePlaceholders(template: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: unknown) => {
    if (typeof n === "string") for (const m of n.matchAll(ANY)) out.add(m[1]);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === "object") Object.values(n).forEach(walk);
  };
  walk(template);
  return [...out];
}

export type MetricExtraction = { ok: true; value: number } | { ok: false; error: string };

function toNumber(v: unknown, where: string): MetricExtraction {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n === "number" && Number.isFinite(n)) return { ok: true, value: n };
  return { ok: false, error: `${where} is ${v === null ? "null" : typeof v === "number" ? String(v) : `not a number (${typeof v})`}` };
}

/** Reads a metric from a job output by a dot/bracket path (`loss`, `metrics.val_loss`, `history[-1].loss`). */
export function extractMetric(output: unknown, metricPath: string): MetricExtraction {
  const parsed = parseMetricPath(metricPath);
  if (!parsed.ok) return { ok: false, error: `invalid metric path "${metricPath}": ${parsed.error}` };
  const r = getAtPath(output, parsed.segments);
  if (!r.found) return { ok: false, error: `the job output has no "${metricPath}"` };
  return toNumber(r.value, `output.${metricPath}`);
}

/**
 * The metric of a finished trial as the config says: `sweepwatch.metric_path` when set,
 * else `output[metric.name]` taken as a literal key (names like "val/loss" or "val.loss" are common),
 * falling back to reading the name as a path.
 */
export function extractTrialMetric(output: unknown, config: Pick<SweepConfig, "metric" | "sweepwatch">): MetricExtraction {
  if (config.sweepwatch.metric_path) return extractMetric(output, config.sweepwatch.metric_path);
  const name = config.metric?.name;
  if (!name) return { ok: false, error: "the sweep has no metric" };
  if (output !== null && typeof output === "object" && !Array.isArray(output) && Object.hasOwn(output, name))
    return toNumber((output as Record<string, unknown>)[name], `output["${name}"]`);
  return extractMetric(output, name);
}
