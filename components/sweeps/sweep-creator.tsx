"use client";

import { useRouter } from "next/navigation";
import { useDeferredValue, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import {
  applyFormToText,
  configToForm,
  configToYaml,
  emptyForm,
  formToConfig,
  parseSweepConfig,
  plainConfigErrors,
  type ConfigError,
  type ParseResult,
  type SweepForm,
  type TextEdit,
} from "@/lib/domain/sweep";
import { SweepDetailDtoSchema } from "@/lib/api/specs/sweeps";
import { csrfHeaders } from "@/lib/queries/send-json";
import { sweepKeys, sweepUrls } from "@/lib/sweeps/client/queries";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { ConfigEditor, type ConfigEditorHandle, type EditorMarker } from "./config-editor";
import { EXAMPLE_WANDB_CONFIG } from "./example-config";
import { SearchSpacePreview } from "./search-space-preview";
import { isFieldError, SweepConfigForm } from "./sweep-form";

export interface EndpointOption {
  id: string;
  name: string;
  /** e.g. "crash-looping: random_device" */
  warning?: string | null;
}

type Mode = "editor" | "form";

interface ServerErrors {
  message: string | null;
  name: string[];
  endpointId: string[];
  /** config errors (path inside the config; line/col when the server parsed our text) */
  config: ConfigError[];
  other: { path: string; message: string }[];
}

const NO_SERVER_ERRORS: ServerErrors = { message: null, name: [], endpointId: [], config: [], other: [] };

/** Splits a 422 answer's issues onto the fields they name. */
export function mapServerIssues(message: string, issues: { path: string; message: string }[]): ServerErrors {
  const out: ServerErrors = { message, name: [], endpointId: [], config: [], other: [] };
  for (const issue of issues) {
    const path = issue.path.replace(/^body\./, "");
    if (path === "name") out.name.push(issue.message);
    else if (path === "endpointId") out.endpointId.push(issue.message);
    else if (path === "config" || path.startsWith("config.")) {
      const m = /^line (\d+):(\d+): (.*)$/s.exec(issue.message);
      out.config.push({
        path: path.replace(/^config\.?/, ""),
        message: m ? m[3] : issue.message,
        ...(m ? { line: Number(m[1]), col: Number(m[2]) } : {}),
      });
    } else if (path === "metricPath") out.config.push({ path: "sweepwatch.metric_path", message: issue.message });
    else if (path === "inputTemplate") out.config.push({ path: "sweepwatch.input_template", message: issue.message });
    else out.other.push({ path, message: issue.message });
  }
  return out;
}

function describeError(e: ConfigError): string {
  return `${e.line !== undefined ? `line ${e.line}:${e.col ?? 1} · ` : ""}${e.path ? `${e.path}: ` : ""}${e.message}`;
}

/**
 * New sweep: endpoint and name, then the config either as a W&B YAML/JSON editor or as a form.
 * Both views edit one config: switching converts through lib/domain/sweep (configToForm /
 * configToYaml), and the search space shown is the one the server will expand.
 */
export function SweepCreator({ endpoints, defaultEndpointId }: { endpoints: EndpointOption[] | null; defaultEndpointId?: string }) {
  const uid = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const editorRef = useRef<ConfigEditorHandle>(null);

  const [endpointId, setEndpointId] = useState(defaultEndpointId ?? (endpoints?.length === 1 ? endpoints[0].id : ""));
  const [name, setName] = useState("");
  const [mode, setMode] = useState<Mode>("editor");
  const [text, setText] = useState("");
  const [form, setForm] = useState<SweepForm>(() => ({ ...emptyForm(), params: [] }));
  const [formRev, setFormRev] = useState(0);
  const [switchError, setSwitchError] = useState<string | null>(null);
  // The text the form was opened from and the form it gave: the text stays the source of truth and the
  // form's changes are applied to it in place when going back or submitting.
  const [formBase, setFormBase] = useState<{ text: string; form: SweepForm } | null>(null);
  const [confirmRewrite, setConfirmRewrite] = useState<string | null>(null);
  const [server, setServer] = useState<ServerErrors>(NO_SERVER_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  const deferredText = useDeferredValue(text);
  const result: ParseResult | null = useMemo(() => {
    if (mode === "form") return formToConfig(form);
    return deferredText.trim() === "" ? null : parseSweepConfig(deferredText);
  }, [mode, form, deferredText]);
  const config = result?.ok ? result.config : null;
  const localErrors = result && !result.ok ? result.errors : [];
  const allConfigErrors = plainConfigErrors([...localErrors, ...server.config], mode === "editor" ? deferredText : "");
  const markers: EditorMarker[] = allConfigErrors.filter((e) => e.line !== undefined).map((e) => ({ line: e.line!, col: e.col, message: e.message, path: e.path }));
  const effectiveName = name.trim() || config?.name || "";
  const formEdit: TextEdit | null = useMemo(
    () => (mode === "form" && formBase && formBase.text.trim() !== "" ? applyFormToText(formBase.text, formBase.form, form) : null),
    [mode, formBase, form],
  );
  /** The config text to keep or send: the pasted text with the form's changes applied in place when possible. */
  const textFromForm = (): string | null => {
    if (formEdit?.ok) return formEdit.text;
    const r = formToConfig(form);
    return r.ok ? configToYaml(r.config) : null;
  };

  const clearServer = () => {
    if (server !== NO_SERVER_ERRORS) setServer(NO_SERVER_ERRORS);
  };

  const openForm = (fromText: string) => {
    const f = fromText.trim() === "" ? { ...emptyForm(), params: [] } : (() => {
      const r = parseSweepConfig(fromText);
      return r.ok ? configToForm(r.config) : null;
    })();
    if (!f) return false;
    setForm(f);
    setFormBase({ text: fromText, form: f });
    setFormRev((n) => n + 1);
    return true;
  };

  const switchTo = (next: Mode, opts: { rewrite?: boolean } = {}) => {
    if (next === mode) return;
    setSwitchError(null);
    setConfirmRewrite(null);
    if (next === "form") {
      if (!openForm(text)) {
        const r = parseSweepConfig(text);
        const n = r.ok ? 0 : r.errors.length;
        setSwitchError(`Fix the ${n === 1 ? "error" : `${n} errors`} in the config first: the form shows only a valid config.`);
        return;
      }
    } else {
      const r = formToConfig(form);
      if (!r.ok) {
        setSwitchError(`Fix the ${r.errors.length === 1 ? "error" : `${r.errors.length} errors`} in the form first.`);
        return;
      }
      if (formEdit && !formEdit.ok && !opts.rewrite) {
        setConfirmRewrite(formEdit.reason);
        return;
      }
      setText(formEdit?.ok ? formEdit.text : configToYaml(r.config));
    }
    clearServer();
    setMode(next);
  };

  const pasteExample = () => {
    setSwitchError(null);
    clearServer();
    setConfirmRewrite(null);
    if (mode === "editor") setText(EXAMPLE_WANDB_CONFIG);
    else openForm(EXAMPLE_WANDB_CONFIG);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!config || !endpointId || !effectiveName) return;
    setSubmitting(true);
    setServer(NO_SERVER_ERRORS);
    try {
      const res = await fetch(sweepUrls.list(), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...csrfHeaders() },
        credentials: "same-origin",
        // The text goes as pasted, with form edits applied in place (the server keeps it and its errors carry our line numbers).
        body: JSON.stringify({ endpointId, name: effectiveName, config: mode === "editor" ? text : (textFromForm() ?? configToYaml(config)) }),
      });
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) {
        const parsed = SweepDetailDtoSchema.safeParse(body);
        if (!parsed.success) throw new Error("The server created the sweep but answered in an unexpected shape.");
        await queryClient.invalidateQueries({ queryKey: sweepKeys.lists() });
        router.push(`/sweeps/${encodeURIComponent(parsed.data.id)}`);
        return;
      }
      const err = (body as { error?: { message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
      setServer(mapServerIssues(err?.message ?? `The server answered ${res.status}.`, err?.issues ?? []));
      setSubmitting(false);
    } catch (err) {
      setServer({ ...NO_SERVER_ERRORS, message: err instanceof Error ? err.message : "The request failed." });
      setSubmitting(false);
    }
  };

  const endpointMissing = submitted && !endpointId;
  const nameMissing = submitted && !effectiveName;
  const formSummaryErrors = mode === "form" ? allConfigErrors.filter((e) => !isFieldError(e, form)) : [];

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-label="New sweep">
      <Card>
        <CardBody className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${uid}-endpoint`} className="mb-1 block text-xs font-medium text-muted">
              Endpoint
            </label>
            {endpoints && endpoints.length > 0 ? (
              <select
                id={`${uid}-endpoint`}
                className="h-8 w-full rounded-md border border-line-strong bg-surface px-2 text-sm aria-[invalid=true]:border-red-500"
                value={endpointId}
                aria-invalid={endpointMissing || server.endpointId.length > 0 || undefined}
                aria-describedby={`${uid}-endpoint-err`}
                onChange={(e) => {
                  setEndpointId(e.target.value);
                  clearServer();
                }}
              >
                <option value="">Choose an endpoint…</option>
                {endpoints.map((ep) => (
                  <option key={ep.id} value={ep.id}>
                    {ep.name === ep.id ? ep.id : `${ep.name} (${ep.id})`}
                    {ep.warning ? ` — ${ep.warning}` : ""}
                  </option>
                ))}
              </select>
            ) : (
              <>
                <input
                  id={`${uid}-endpoint`}
                  className="h-8 w-full rounded-md border border-line-strong bg-surface px-2 font-mono text-sm aria-[invalid=true]:border-red-500"
                  value={endpointId}
                  placeholder="RunPod endpoint id"
                  aria-invalid={endpointMissing || server.endpointId.length > 0 || undefined}
                  aria-describedby={`${uid}-endpoint-err`}
                  onChange={(e) => {
                    setEndpointId(e.target.value.trim());
                    clearServer();
                  }}
                />
                <p className="mt-1 text-xs text-faint">
                  {endpoints === null ? "The endpoint list could not be loaded; type the endpoint id." : "No endpoints are watched yet; type the endpoint id."}
                </p>
              </>
            )}
            <p id={`${uid}-endpoint-err`} className="mt-1 text-xs text-red-700 dark:text-red-300">
              {endpointMissing ? "Choose the endpoint the trials run on. " : ""}
              {server.endpointId.join(" ")}
            </p>
          </div>
          <div>
            <label htmlFor={`${uid}-name`} className="mb-1 block text-xs font-medium text-muted">
              Sweep name
            </label>
            <input
              id={`${uid}-name`}
              className="h-8 w-full rounded-md border border-line-strong bg-surface px-2 text-sm aria-[invalid=true]:border-red-500"
              value={name}
              maxLength={255}
              placeholder={config?.name ?? "e.g. resnet-lr-sweep"}
              aria-invalid={nameMissing || server.name.length > 0 || undefined}
              aria-describedby={`${uid}-name-err`}
              onChange={(e) => {
                setName(e.target.value);
                clearServer();
              }}
            />
            <p id={`${uid}-name-err`} className="mt-1 text-xs text-red-700 dark:text-red-300">
              {nameMissing ? "Give the sweep a name (or a name: in the config). " : ""}
              {server.name.join(" ")}
            </p>
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Sweep config"
          description="Weights & Biases sweep configs (YAML or JSON) work unchanged; the form edits the pasted text in place, comments and key order kept."
          actions={
            <>
              <Button size="sm" variant="ghost" onClick={pasteExample}>
                Paste example
              </Button>
              <div role="tablist" aria-label="Config view" className="flex rounded-md border border-line-strong p-0.5">
                {(["editor", "form"] as const).map((m) => (
                  <button
                    key={m}
                    type="button"
                    role="tab"
                    aria-selected={mode === m}
                    aria-controls={`${uid}-panel`}
                    onClick={() => switchTo(m)}
                    className={cx("rounded px-2.5 py-1 text-xs font-medium", mode === m ? "bg-accent text-accent-fg" : "text-muted hover:text-fg")}
                  >
                    {m === "editor" ? "YAML / JSON" : "Form"}
                  </button>
                ))}
              </div>
            </>
          }
        />
        <CardBody id={`${uid}-panel`} role="tabpanel" className="space-y-4">
          {switchError ? (
            <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-400/10 dark:text-amber-200">
              {switchError}
            </p>
          ) : null}
          {confirmRewrite ? (
            <div role="alert" className="space-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-400/10 dark:text-amber-200">
              <p>
                Your changes cannot be written into the pasted text in place ({confirmRewrite}). Going back rewrites the config: its comments, key order
                and formatting would be lost.
              </p>
              <div className="flex flex-wrap gap-2">
                <Button size="sm" variant="primary" onClick={() => switchTo("editor", { rewrite: true })}>
                  Rewrite the config
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirmRewrite(null)}>
                  Stay in the form
                </Button>
              </div>
            </div>
          ) : null}
          {mode === "form" && formEdit && !formEdit.ok && !confirmRewrite ? (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-400/10 dark:text-amber-200">
              These changes cannot be applied to the pasted text in place ({formEdit.reason}): starting the sweep from here sends a rewritten
              config without your comments.
            </p>
          ) : null}
          {mode === "editor" ? (
            <>
              <ConfigEditor
                ref={editorRef}
                id={`${uid}-config`}
                label="Sweep config (YAML or JSON)"
                describedBy={`${uid}-config-errors`}
                value={text}
                onChange={(t) => {
                  setText(t);
                  clearServer();
                }}
                markers={markers}
              />
              {text.trim() === "" ? (
                <p className="text-xs text-muted">Paste a W&amp;B sweep config (YAML or JSON) above, or use “Paste example”.</p>
              ) : null}
              <div id={`${uid}-config-errors`} aria-live="polite">
                {allConfigErrors.length > 0 ? (
                  <ul className="space-y-1 text-sm" aria-label="Config errors">
                    {allConfigErrors.map((e, i) => (
                      <li key={i} className="flex gap-2 text-red-700 dark:text-red-300">
                        {e.line !== undefined ? (
                          <button type="button" className="shrink-0 font-mono text-xs underline underline-offset-2" onClick={() => editorRef.current?.goToLine(e.line!, e.col)}>
                            line {e.line}:{e.col ?? 1}
                          </button>
                        ) : null}
                        <span>
                          {e.path ? <span className="font-mono text-xs">{e.path}: </span> : null}
                          {e.message}
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </>
          ) : (
            <>
              {formSummaryErrors.length > 0 ? (
                <ul role="alert" className="space-y-1 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-400/10 dark:text-red-200">
                  {formSummaryErrors.map((e, i) => (
                    <li key={i}>{describeError(e)}</li>
                  ))}
                </ul>
              ) : null}
              <SweepConfigForm
                key={formRev}
                form={form}
                onChange={(f) => {
                  setForm(f);
                  clearServer();
                }}
                errors={allConfigErrors}
              />
            </>
          )}
          {result && result.warnings.length > 0 ? (
            <ul className="space-y-0.5 text-xs text-amber-800 dark:text-amber-300" aria-label="Config warnings">
              {result.warnings.map((w, i) => (
                <li key={i}>{describeError(w)}</li>
              ))}
            </ul>
          ) : null}
        </CardBody>
      </Card>

      <Card>
        <CardBody>
          {config ? (
            <SearchSpacePreview config={config} />
          ) : (
            <p className="text-sm text-muted">The expanded search space and the grid size appear here once the config is valid.</p>
          )}
        </CardBody>
      </Card>

      {server.message ? (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-400/30 dark:bg-red-400/10 dark:text-red-200">
          <p className="font-medium">The sweep was not created.</p>
          <p className="mt-1">{server.message}</p>
          {server.other.length > 0 ? (
            <ul className="mt-1 list-disc pl-5">
              {server.other.map((o, i) => (
                <li key={i}>
                  <span className="font-mono text-xs">{o.path}</span>: {o.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="flex items-center justify-end gap-3">
        {!config && submitted ? <p className="text-sm text-red-700 dark:text-red-300">The config has errors.</p> : null}
        <Button type="submit" variant="primary" disabled={submitting || (submitted && (!config || !endpointId || !effectiveName))}>
          {submitting ? "Starting…" : "Start sweep"}
        </Button>
      </div>
    </form>
  );
}
