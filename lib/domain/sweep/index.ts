// Public API of the sweep domain: pure, runs in Node and in the browser.
export * from "./types";
export * from "./states";
export { parseSweepConfig, parseSweepConfigOrThrow, formatConfigError } from "./parse-config";
export { canonicalKey } from "./canonical";
export { configToYaml, configToRaw, configToForm, formToConfig, emptyForm, applyFormToText, plainConfigErrors, type TextEdit, type SweepForm, type FormParam, type FormParamType } from "./config-views";
export { expandSearchSpace, flattenParameters } from "./search-space";
export { createSuggester } from "./suggest";
export { applyInputTemplate, templatePlaceholders, extractTrialMetric } from "./template";
export { checkMetricPath } from "./metric-path";
export { hyperbandStopTrials, extractHistory } from "./hyperband";
export { createRng } from "@/lib/domain/prng";
