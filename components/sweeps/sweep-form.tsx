"use client";

import { useId, useState, type ReactNode } from "react";
import type { ConfigError, FormParam, FormParamType, SweepForm } from "@/lib/domain/sweep";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";

type Dist = NonNullable<FormParam["distribution"]>;
type Bound = "min" | "max" | "mu" | "sigma" | "q" | "a" | "b";

const DISTRIBUTIONS: { value: Dist; label: string; bounds: Bound[] }[] = [
  { value: "uniform", label: "uniform", bounds: ["min", "max"] },
  { value: "int_uniform", label: "int_uniform", bounds: ["min", "max"] },
  { value: "q_uniform", label: "q_uniform", bounds: ["min", "max", "q"] },
  { value: "log_uniform_values", label: "log_uniform_values", bounds: ["min", "max"] },
  { value: "q_log_uniform_values", label: "q_log_uniform_values", bounds: ["min", "max", "q"] },
  { value: "log_uniform", label: "log_uniform (exponents)", bounds: ["min", "max"] },
  { value: "q_log_uniform", label: "q_log_uniform (exponents)", bounds: ["min", "max", "q"] },
  { value: "inv_log_uniform_values", label: "inv_log_uniform_values", bounds: ["min", "max"] },
  { value: "inv_log_uniform", label: "inv_log_uniform (exponents)", bounds: ["min", "max"] },
  { value: "normal", label: "normal", bounds: ["mu", "sigma"] },
  { value: "q_normal", label: "q_normal", bounds: ["mu", "sigma", "q"] },
  { value: "log_normal", label: "log_normal", bounds: ["mu", "sigma"] },
  { value: "q_log_normal", label: "q_log_normal", bounds: ["mu", "sigma", "q"] },
  { value: "beta", label: "beta", bounds: ["a", "b"] },
  { value: "q_beta", label: "q_beta", bounds: ["a", "b", "q"] },
];
const BOUNDS_OF = new Map(DISTRIBUTIONS.map((d) => [d.value, d.bounds]));
const BOUND_LABEL: Record<Bound, string> = { min: "min", max: "max", mu: "μ (mu)", sigma: "σ (sigma)", q: "q (step)", a: "a", b: "b" };

/** A config error path without W&B's nesting keyword: parameters.opt.parameters.lr.max → opt.lr.max */
export function formPathOf(path: string): string {
  return path.replace(/^parameters\./, "").replace(/\.parameters\./g, ".");
}

/** Errors that belong to a field: exact path or below it. */
function errorsAt(errors: ConfigError[], prefix: string, exact = false): ConfigError[] {
  return errors.filter((e) => {
    const p = e.path.startsWith("parameters.") ? `param:${formPathOf(e.path)}` : e.path;
    return exact ? p === prefix : p === prefix || p.startsWith(`${prefix}.`);
  });
}

/** Which errors the form shows next to a field (the rest go to the summary). */
export function isFieldError(e: ConfigError, form: SweepForm): boolean {
  if (e.path.startsWith("parameters.")) {
    const p = formPathOf(e.path);
    return form.params.some((fp) => p === fp.path.join(".") || p.startsWith(`${fp.path.join(".")}.`));
  }
  return ["method", "metric", "run_cap", "sweepwatch.parallel", "sweepwatch.failed_budget", "sweepwatch.metric_path", "sweepwatch.input_template", "sweepwatch.seed", "sweepwatch.budget_gpu_hours", "sweepwatch.budget_usd"].some(
    (k) => e.path === k || e.path.startsWith(`${k}.`),
  );
}

/** Reads a typed scalar: numbers, true/false, null, "quoted" or plain strings. */
export function parseScalar(text: string): unknown {
  const t = text.trim();
  if (t === "") return "";
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t === "null") return null;
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

export function formatScalar(v: unknown): string {
  if (typeof v === "string") return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^(true|false|null)$|,/i.test(v) ? JSON.stringify(v) : v;
  if (v === undefined) return "";
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

/** Splits "16, 32, 'a,b'" on commas outside quotes. */
export function splitValues(text: string): unknown[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "").map(parseScalar);
}

function FieldErrors({ errors, id }: { errors: ConfigError[]; id?: string }) {
  if (errors.length === 0) return null;
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-xs text-red-700 dark:text-red-300">
      {errors.map((e, i) => (
        <li key={i}>{e.message}</li>
      ))}
    </ul>
  );
}

const inputCls =
  "h-8 w-full rounded-md border border-line-strong bg-surface px-2 text-sm text-fg placeholder:text-faint focus:border-accent focus:outline-none aria-[invalid=true]:border-red-500";

function Field({ label, htmlFor, hint, children, className }: { label: string; htmlFor: string; hint?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <label htmlFor={htmlFor} className="mb-1 block text-xs font-medium text-muted">
        {label}
      </label>
      {children}
      {hint ? <p className="mt-1 text-xs text-faint">{hint}</p> : null}
    </div>
  );
}

/** A number input that keeps what is typed ("1e-", "0.") and reports a number, or null when empty. */
function NumberInput({
  id,
  value,
  onValue,
  invalid,
  placeholder,
  integer,
  label,
}: {
  id: string;
  value: number | null | undefined;
  onValue: (v: number | null) => void;
  invalid?: boolean;
  placeholder?: string;
  integer?: boolean;
  label?: string;
}) {
  const [text, setText] = useState(value === null || value === undefined ? "" : String(value));
  const parsed = text.trim() === "" ? null : Number(text);
  const bad = parsed !== null && (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)));
  return (
    <input
      id={id}
      aria-label={label}
      inputMode="decimal"
      className={cx(inputCls, "font-mono")}
      value={text}
      placeholder={placeholder}
      aria-invalid={invalid || bad || undefined}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        if (t === "") onValue(null);
        else if (Number.isFinite(Number(t))) onValue(Number(t));
      }}
    />
  );
}

function TextInput({ id, value, onValue, invalid, placeholder, mono, label }: { id: string; value: string; onValue: (v: string) => void; invalid?: boolean; placeholder?: string; mono?: boolean; label?: string }) {
  return (
    <input
      id={id}
      aria-label={label}
      className={cx(inputCls, mono && "font-mono")}
      value={value}
      placeholder={placeholder}
      aria-invalid={invalid || undefined}
      onChange={(e) => onValue(e.target.value)}
    />
  );
}

/**
 * The sweep as a form: every field edits the same config the YAML editor shows (see
 * lib/domain/sweep config-views). Errors come from formToConfig, with config paths.
 */
export function SweepConfigForm({ form, onChange, errors }: { form: SweepForm; onChange: (f: SweepForm) => void; errors: ConfigError[] }) {
  const uid = useId();
  const set = <K extends keyof SweepForm>(k: K, v: SweepForm[K]) => onChange({ ...form, [k]: v });
  const setParam = (i: number, p: FormParam) => onChange({ ...form, params: form.params.map((q, j) => (j === i ? p : q)) });
  const [paramKeys, setParamKeys] = useState(() => form.params.map((_, i) => i));
  const [nextKey, setNextKey] = useState(form.params.length);
  const [templateText, setTemplateText] = useState(form.inputTemplate ? JSON.stringify(form.inputTemplate, null, 2) : "");
  const [templateError, setTemplateError] = useState<string | null>(null);

  const addParam = () => {
    onChange({ ...form, params: [...form.params, { path: [`param${form.params.length + 1}`], type: "values", values: [] }] });
    setParamKeys([...paramKeys, nextKey]);
    setNextKey(nextKey + 1);
  };
  const removeParam = (i: number) => {
    onChange({ ...form, params: form.params.filter((_, j) => j !== i) });
    setParamKeys(paramKeys.filter((_, j) => j !== i));
  };

  const metricErrors = errorsAt(errors, "metric");
  const methodErrors = errorsAt(errors, "method");
  return (
    <div className="space-y-6">
      <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="mb-2 text-sm font-semibold">Search</legend>
        <Field label="Method" htmlFor={`${uid}-method`}>
          <select id={`${uid}-method`} className={inputCls} value={form.method} onChange={(e) => set("method", e.target.value as SweepForm["method"])}>
            <option value="grid">grid</option>
            <option value="random">random</option>
            <option value="bayes">bayes (TPE)</option>
          </select>
          <FieldErrors errors={methodErrors} />
        </Field>
        <Field label="Trial budget (run_cap)" htmlFor={`${uid}-runcap`} hint="Empty: no cap (grid stops when exhausted).">
          <NumberInput id={`${uid}-runcap`} integer value={form.runCap} onValue={(v) => set("runCap", v)} invalid={errorsAt(errors, "run_cap").length > 0} />
          <FieldErrors errors={errorsAt(errors, "run_cap")} />
        </Field>
        <Field label="Parallel trials" htmlFor={`${uid}-parallel`}>
          <NumberInput id={`${uid}-parallel`} integer value={form.parallel} onValue={(v) => set("parallel", v ?? 1)} invalid={errorsAt(errors, "sweepwatch.parallel").length > 0} />
          <FieldErrors errors={errorsAt(errors, "sweepwatch.parallel")} />
        </Field>
        <Field label="Failed-trial budget" htmlFor={`${uid}-failed`} hint="Failures tolerated before the sweep fails.">
          <NumberInput id={`${uid}-failed`} integer value={form.failedBudget} onValue={(v) => set("failedBudget", v ?? 0)} invalid={errorsAt(errors, "sweepwatch.failed_budget").length > 0} />
          <FieldErrors errors={errorsAt(errors, "sweepwatch.failed_budget")} />
        </Field>
        <Field label="GPU-hour budget" htmlFor={`${uid}-budget-gpu`} hint="Pauses the sweep when its trials have used this much GPU time. Empty: no limit.">
          <NumberInput id={`${uid}-budget-gpu`} value={form.budgetGpuHours} placeholder="no limit" onValue={(v) => set("budgetGpuHours", v)} invalid={errorsAt(errors, "sweepwatch.budget_gpu_hours").length > 0} />
          <FieldErrors errors={errorsAt(errors, "sweepwatch.budget_gpu_hours")} />
        </Field>
        <Field label="Money budget (USD)" htmlFor={`${uid}-budget-usd`} hint="Estimated from the GPU price table; pauses the sweep when reached. Empty: no limit.">
          <NumberInput id={`${uid}-budget-usd`} value={form.budgetUsd} placeholder="no limit" onValue={(v) => set("budgetUsd", v)} invalid={errorsAt(errors, "sweepwatch.budget_usd").length > 0} />
          <FieldErrors errors={errorsAt(errors, "sweepwatch.budget_usd")} />
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="mb-2 text-sm font-semibold">Metric</legend>
        <Field label="Metric name" htmlFor={`${uid}-metric`} hint="Read from the job output: output[name].">
          <TextInput
            id={`${uid}-metric`}
            mono
            value={form.metric?.name ?? ""}
            invalid={metricErrors.length > 0}
            onValue={(v) => set("metric", v === "" && !form.metric?.target ? null : { name: v, goal: form.metric?.goal ?? "minimize", target: form.metric?.target ?? null })}
          />
        </Field>
        <Field label="Goal" htmlFor={`${uid}-goal`}>
          <select
            id={`${uid}-goal`}
            className={inputCls}
            value={form.metric?.goal ?? "minimize"}
            onChange={(e) => set("metric", { name: form.metric?.name ?? "", goal: e.target.value as "minimize" | "maximize", target: form.metric?.target ?? null })}
          >
            <option value="minimize">minimize</option>
            <option value="maximize">maximize</option>
          </select>
        </Field>
        <Field label="Target (optional)" htmlFor={`${uid}-target`} hint="The sweep stops once a trial reaches it.">
          <NumberInput
            id={`${uid}-target`}
            value={form.metric?.target ?? null}
            onValue={(v) => set("metric", { name: form.metric?.name ?? "", goal: form.metric?.goal ?? "minimize", target: v })}
          />
        </Field>
        <Field label="Metric path (optional)" htmlFor={`${uid}-mpath`} hint="e.g. results.val_loss; default output[metric name].">
          <TextInput id={`${uid}-mpath`} mono value={form.metricPath ?? ""} onValue={(v) => set("metricPath", v === "" ? null : v)} invalid={errorsAt(errors, "sweepwatch.metric_path").length > 0} />
          <FieldErrors errors={errorsAt(errors, "sweepwatch.metric_path")} />
        </Field>
        <div className="sm:col-span-2 lg:col-span-4">
          <FieldErrors errors={metricErrors} />
        </div>
      </fieldset>

      <fieldset>
        <legend className="mb-2 text-sm font-semibold">Parameters</legend>
        <p className="mb-3 text-xs text-muted">Dotted names (optimizer.lr) make nested parameters. Values: comma-separated; quote strings that look like numbers.</p>
        <ul className="space-y-3">
          {form.params.map((p, i) => (
            <ParamRow
              key={paramKeys[i] ?? `p${i}`}
              idBase={`${uid}-p${paramKeys[i] ?? i}`}
              param={p}
              onChange={(np) => setParam(i, np)}
              onRemove={() => removeParam(i)}
              errors={errorsAt(errors, `param:${p.path.join(".")}`)}
            />
          ))}
        </ul>
        <Button className="mt-3" size="sm" onClick={addParam}>
          Add parameter
        </Button>
        <FieldErrors errors={errors.filter((e) => e.path === "parameters")} />
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="mb-2 text-sm font-semibold">Job input template</legend>
        <p className="text-xs text-muted">
          How parameters are placed in the RunPod <code className="font-mono">input</code>: a JSON object where{" "}
          <code className="font-mono">{"\"{{param.lr}}\""}</code> is replaced by the trial&apos;s value. Empty: the parameters object is the input.
        </p>
        <textarea
          id={`${uid}-template`}
          aria-label="Job input template (JSON)"
          className={cx(inputCls, "h-28 py-1.5 font-mono text-xs")}
          spellCheck={false}
          value={templateText}
          placeholder={'{"params": {"lr": "{{param.lr}}"}, "epochs": 10}'}
          aria-invalid={templateError !== null || errorsAt(errors, "sweepwatch.input_template").length > 0 || undefined}
          onChange={(e) => {
            const t = e.target.value;
            setTemplateText(t);
            if (t.trim() === "") {
              setTemplateError(null);
              set("inputTemplate", null);
              return;
            }
            try {
              const v: unknown = JSON.parse(t);
              if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("must be a JSON object");
              setTemplateError(null);
              set("inputTemplate", v as Record<string, unknown>);
            } catch (err) {
              setTemplateError(err instanceof Error ? err.message : "invalid JSON");
            }
          }}
        />
        {templateError ? <p className="text-xs text-red-700 dark:text-red-300">Not used yet: {templateError}</p> : null}
        <FieldErrors errors={errorsAt(errors, "sweepwatch.input_template")} />
      </fieldset>

      {form.earlyTerminate ? (
        <p className="text-xs text-muted">
          Early termination: hyperband (eta {form.earlyTerminate.eta}
          {form.earlyTerminate.min_iter !== undefined ? `, min_iter ${form.earlyTerminate.min_iter}` : ""}
          {form.earlyTerminate.max_iter !== undefined ? `, max_iter ${form.earlyTerminate.max_iter}` : ""}) — edit it in the config editor.
        </p>
      ) : null}
    </div>
  );
}

function ParamRow({ idBase, param, onChange, onRemove, errors }: { idBase: string; param: FormParam; onChange: (p: FormParam) => void; onRemove: () => void; errors: ConfigError[] }) {
  const [valuesText, setValuesText] = useState((param.values ?? []).map(formatScalar).join(", "));
  const [constText, setConstText] = useState(formatScalar(param.value));
  const name = param.path.join(".");
  const bounds = param.type === "distribution" ? (BOUNDS_OF.get(param.distribution ?? "uniform") ?? []) : [];
  const setType = (type: FormParamType) => {
    if (type === "distribution") onChange({ path: param.path, type, distribution: param.distribution ?? "uniform", min: param.min ?? 0, max: param.max ?? 1 });
    else if (type === "values") onChange({ path: param.path, type, values: splitValues(valuesText) });
    else onChange({ path: param.path, type, value: parseScalar(constText) });
  };
  return (
    <li className={cx("rounded-md border p-3", errors.length ? "border-red-400 dark:border-red-400/50" : "border-line")} aria-label={`Parameter ${name || "(unnamed)"}`}>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,12rem)_10rem_minmax(0,1fr)_auto] sm:items-end">
        <Field label="Name" htmlFor={`${idBase}-name`}>
          <TextInput
            id={`${idBase}-name`}
            mono
            value={name}
            onValue={(v) => onChange({ ...param, path: v.split(".").map((s) => s.trim()) })}
            invalid={errors.length > 0}
          />
        </Field>
        <Field label="Type" htmlFor={`${idBase}-type`}>
          <select id={`${idBase}-type`} className={inputCls} value={param.type} onChange={(e) => setType(e.target.value as FormParamType)}>
            <option value="values">values (list)</option>
            <option value="distribution">distribution</option>
            <option value="constant">constant</option>
          </select>
        </Field>
        {param.type === "values" ? (
          <Field label="Values" htmlFor={`${idBase}-values`}>
            <input
              id={`${idBase}-values`}
              className={cx(inputCls, "font-mono")}
              value={valuesText}
              placeholder="16, 32, 64"
              onChange={(e) => {
                setValuesText(e.target.value);
                onChange({ ...param, values: splitValues(e.target.value) });
              }}
            />
          </Field>
        ) : param.type === "constant" ? (
          <Field label="Value" htmlFor={`${idBase}-value`}>
            <input
              id={`${idBase}-value`}
              className={cx(inputCls, "font-mono")}
              value={constText}
              onChange={(e) => {
                setConstText(e.target.value);
                onChange({ ...param, value: parseScalar(e.target.value) });
              }}
            />
          </Field>
        ) : (
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-[minmax(0,12rem)_repeat(3,minmax(0,1fr))]">
            <Field label="Distribution" htmlFor={`${idBase}-dist`} className="col-span-2 sm:col-span-1">
              <select
                id={`${idBase}-dist`}
                className={inputCls}
                value={param.distribution ?? "uniform"}
                onChange={(e) => {
                  const d = e.target.value as Dist;
                  const need = BOUNDS_OF.get(d) ?? [];
                  const next: FormParam = { path: param.path, type: "distribution", distribution: d };
                  for (const b of need) next[b] = param[b] ?? (b === "sigma" || b === "a" || b === "b" || b === "max" ? 1 : b === "q" ? 1 : 0);
                  onChange(next);
                }}
              >
                {DISTRIBUTIONS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </Field>
            {bounds.map((b) => (
              <Field key={`${param.distribution}-${b}`} label={BOUND_LABEL[b]} htmlFor={`${idBase}-${b}`}>
                <NumberInput
                  id={`${idBase}-${b}`}
                  value={param[b]}
                  integer={param.distribution === "int_uniform"}
                  onValue={(v) => onChange({ ...param, [b]: v ?? undefined })}
                  invalid={errors.some((e) => e.path.endsWith(`.${b}`))}
                />
              </Field>
            ))}
          </div>
        )}
        <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove parameter ${name}`}>
          Remove
        </Button>
      </div>
      <FieldErrors errors={errors} />
    </li>
  );
}
