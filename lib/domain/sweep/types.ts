// Types of a parsed, normalised sweep config. Names follow W&B's sweep schema
// (https://docs.wandb.ai/guides/sweeps/sweep-config-keys) so a config written
// for W&B reads the same here.

export const SWEEP_METHODS = ["grid", "random", "bayes"] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export const METRIC_GOALS = ["minimize", "maximize"] as const;
export type MetricGoal = (typeof METRIC_GOALS)[number];

export const METRIC_IMPUTES = ["latest", "best", "worst"] as const;

export interface MetricConfig {
  name: string;
  goal: MetricGoal;
  target?: number;
  /** W&B: value used by bayes for failed runs; we honour "worst" (default) by counting failed trials as bad. */
  impute?: (typeof METRIC_IMPUTES)[number];
}

/** Every distribution name W&B accepts (plus `categorical_w_probabilities`, W&B's internal alias). */
export const DISTRIBUTIONS = [
  "constant",
  "categorical",
  "int_uniform",
  "uniform",
  "q_uniform",
  "log_uniform",
  "log_uniform_values",
  "q_log_uniform",
  "q_log_uniform_values",
  "inv_log_uniform",
  "inv_log_uniform_values",
  "normal",
  "q_normal",
  "log_normal",
  "q_log_normal",
  "beta",
  "q_beta",
] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

export type ConstantParam = { distribution: "constant"; value: unknown };
export type CategoricalParam = { distribution: "categorical"; values: unknown[]; probabilities?: number[] };
export type IntUniformParam = { distribution: "int_uniform"; min: number; max: number };
/** min/max bounded distributions; for `log_uniform`, `q_log_uniform`, `inv_log_uniform` min/max are natural-log exponents (W&B semantics). */
export type BoundedParam = {
  distribution:
    | "uniform"
    | "log_uniform"
    | "log_uniform_values"
    | "inv_log_uniform"
    | "inv_log_uniform_values";
  min: number;
  max: number;
};
export type QuantizedBoundedParam = {
  distribution: "q_uniform" | "q_log_uniform" | "q_log_uniform_values";
  min: number;
  max: number;
  q: number;
};
export type NormalParam = { distribution: "normal" | "log_normal"; mu: number; sigma: number };
export type QuantizedNormalParam = { distribution: "q_normal" | "q_log_normal"; mu: number; sigma: number; q: number };
export type BetaParam = { distribution: "beta"; a: number; b: number };
export type QuantizedBetaParam = { distribution: "q_beta"; a: number; b: number; q: number };

export type LeafParam =
  | ConstantParam
  | CategoricalParam
  | IntUniformParam
  | BoundedParam
  | QuantizedBoundedParam
  | NormalParam
  | QuantizedNormalParam
  | BetaParam
  | QuantizedBetaParam;

export type NestedParam = { parameters: Record<string, ParamNode> };
export type ParamNode = LeafParam | NestedParam;

export interface HyperbandConfig {
  type: "hyperband";
  min_iter?: number;
  max_iter?: number;
  s?: number;
  eta: number;
  strict: boolean;
}

/**
 * sweepwatch-only settings live under the namespaced top-level key `sweepwatch:`.
 * Why in the config and not only in form/API fields: `POST /api/sweeps` takes
 * `{endpointId, name, config}`, so a scripted sweep must be able to say everything in
 * the config; the form edits the same keys. W&B's own schema rejects unknown keys,
 * so `configToYaml(c, { wandbOnly: true })` drops this block for export back to W&B.
 */
export interface SweepwatchSettings {
  /** trials in flight at once on the endpoint */
  parallel: number;
  /** failed trials tolerated before the sweep fails */
  failed_budget: number;
  /** RunPod `input` template; `null` = the params object is merged into `input` */
  input_template: unknown | null;
  /** dot/bracket path into the job output; `null` = `output[metric.name]` */
  metric_path: string | null;
  /** seed of random/bayes; `null` = the controller picks one and stores it */
  seed: number | null;
  /** GPU-hours the sweep's trials may use before it pauses; `null` = no limit */
  budget_gpu_hours: number | null;
  /** estimated USD (GPU price table) the sweep's trials may cost before it pauses; `null` = no limit */
  budget_usd: number | null;
}

export const SWEEPWATCH_DEFAULTS: SweepwatchSettings = {
  parallel: 1,
  failed_budget: 5,
  input_template: null,
  metric_path: null,
  seed: null,
  budget_gpu_hours: null,
  budget_usd: null,
};

export interface SweepConfig {
  method: SweepMethod;
  metric?: MetricConfig;
  parameters: Record<string, ParamNode>;
  run_cap?: number;
  early_terminate?: HyperbandConfig;
  name?: string;
  description?: string;
  sweepwatch: SweepwatchSettings;
  /** W&B keys we accept but do not use (program, command, project, entity, ...), kept so exports stay faithful. */
  passthrough: Record<string, unknown>;
}

export interface ConfigError {
  /** dotted path in the config, e.g. `parameters.lr.max`; "" for the document itself */
  path: string;
  /** 1-based; absent when the config was given as an object */
  line?: number;
  col?: number;
  message: string;
}

export type ConfigWarning = ConfigError;

export type ParseResult =
  | { ok: true; config: SweepConfig; warnings: ConfigWarning[] }
  | { ok: false; errors: ConfigError[]; warnings: ConfigWarning[] };

/** Parameter values of one trial; nested params become nested objects. */
export type Params = Record<string, unknown>;

/** A trial as the suggesters see it (lib/domain/sweep/states.ts has the stored statuses). */
export type TrialStatus = "pending" | "running" | "completed" | "failed" | "cancelled" | "stopped";

export interface TrialResult {
  params: Params;
  /** metric value; null while running or when the trial failed */
  value: number | null;
  status: TrialStatus;
}
