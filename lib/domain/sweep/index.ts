// Public API of the sweep domain: pure, runs in Node and in the browser.
export * from "./types";
export * from "./states";
export { parseSweepConfig, parseSweepConfigOrThrow, formatConfigError, formatPath } from "./parse-config";
export { canonicalKey } from "./canonical";
export { configToYaml, configToRaw, configToForm, formToConfig, emptyForm, applyFormToText, plainConfigErrors, type TextEdit, type SweepForm, type FormParam, type FormParamType } from "./config-views";
export {
  expandSearchSpace,
  gridPoints,
  flattenParameters,
  GRID_POINTS_LIMIT,
  type SearchSpace,
  type SearchSpaceParam,
  type ParamKind,
  type FlatParam,
} from "./search-space";
export { createSuggester, type Suggester, type SuggesterOptions } from "./suggest";
export { TPE_DEFAULTS, type TpeOptions } from "./tpe";
export { applyInputTemplate, templatePlaceholders, extractMetric, extractTrialMetric, TemplateError, type MetricExtraction } from "./template";
export { parseMetricPath, checkMetricPath } from "./metric-path";
export { hyperbandBrackets, shouldStop, hyperbandStopTrials, extractHistory, type StopDecision, type HyperbandTrial } from "./hyperband";
export { createRng, mixSeed, type Rng } from "@/lib/domain/prng";
