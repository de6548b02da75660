"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { attestCriterion, criteriaKeys, runSmokeJobNow, saveSmokeSettings, smokeSettingsQueryOptions, updateCriterionParams } from "@/lib/criteria/client/queries";
import { fieldLabel, fromFormValues, paramFields, toFormValues } from "./param-fields";

const inputClass = "mt-1 block w-full rounded-md border border-line-strong bg-surface px-2 py-1 text-sm text-fg shadow-xs focus:border-accent";

/** Edits a criterion's parameters; the form is built from the rule's schema. */
export function ParamEditor({ id, rule, params, onDone }: { id: string; rule: string; params: Record<string, unknown>; onDone: () => void }) {
  const fields = paramFields(rule);
  const [values, setValues] = useState(() => toFormValues(fields, params));
  const [error, setError] = useState<string | null>(null);
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (p: Record<string, unknown>) => updateCriterionParams(id, p),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: criteriaKeys.all });
      onDone();
    },
    onError: (e) => setError(e.message),
  });
  if (!fields.length) return <p className="text-xs text-muted">This rule has no parameters.</p>;
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = fromFormValues(fields, values);
    if (!r.ok) return setError(`${fieldLabel(r.field)}: ${r.message}`);
    setError(null);
    m.mutate(r.params);
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Edit parameters">
      <div className="grid gap-3 sm:grid-cols-2">
        {fields.map((f) => (
          <label key={f.name} className={f.kind === "json" ? "text-xs font-medium text-muted sm:col-span-2" : "text-xs font-medium text-muted"}>
            {fieldLabel(f.name)}
            {f.kind === "json" ? (
              <textarea
                className={`${inputClass} font-mono text-xs`}
                rows={4}
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            ) : (
              <input
                className={inputClass}
                type={f.kind === "number" ? "number" : "text"}
                step={f.kind === "number" ? (f.integer ? 1 : "any") : undefined}
                min={f.kind === "number" ? f.min : undefined}
                max={f.kind === "number" ? f.max : undefined}
                placeholder={f.kind === "text" && f.nullable ? "any" : undefined}
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            )}
          </label>
        ))}
      </div>
      <FormFooter error={error} pending={m.isPending} label="Save and re-evaluate" pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

/** Records a manual attestation: who and when are taken from the session, the link and note from here. */
export function AttestForm({ id, onDone }: { id: string; onDone: () => void }) {
  const [link, setLink] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () => attestCriterion(id, { link: link.trim() || null, note: note.trim() || null }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: criteriaKeys.all });
      onDone();
    },
    onError: (e) => setError(e.message),
  });
  return (
    <form
      aria-label="Attest"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        m.mutate();
      }}
    >
      <label className="block text-xs font-medium text-muted">
        Link (e.g. the documentation page)
        <input className={inputClass} type="url" placeholder="https://" value={link} onChange={(e) => setLink(e.target.value)} />
      </label>
      <label className="block text-xs font-medium text-muted">
        Note
        <textarea className={inputClass} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <FormFooter error={error} pending={m.isPending} label="Attest" pendingLabel="Recording…" onCancel={onDone} />
    </form>
  );
}

/** Submits the smoke input to one endpoint now; the poller tracks the job and the next evaluation shows it. */
export function SmokeNowButton({ endpointId }: { endpointId: string }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () => runSmokeJobNow(endpointId),
    onSuccess: () => qc.invalidateQueries({ queryKey: criteriaKeys.all }),
  });
  return (
    <span className="inline-flex items-center gap-2">
      <Button size="sm" variant="ghost" onClick={() => m.mutate()} disabled={m.isPending}>
        {m.isPending ? "Submitting…" : "Run smoke job now"}
      </Button>
      <span role="status" className="text-xs text-muted">
        {m.isError ? <span className="text-red-600 dark:text-red-400">{m.error.message}</span> : m.data ? `Submitted (${m.data.status.toLowerCase()}); the verdict updates on the next evaluation.` : null}
      </span>
    </span>
  );
}

/**
 * Admin's smoke opt-in for one endpoint: nothing is sent to an endpoint until it is opted in with
 * the input to send; the check is optional (COMPLETED is enough without one).
 */
export function SmokeSettingsEditor({ endpointId, onDone }: { endpointId: string; onDone: () => void }) {
  const q = useQuery(smokeSettingsQueryOptions(endpointId));
  if (q.isPending) return <p className="text-sm text-muted">Loading the smoke settings…</p>;
  if (q.isError) return <p role="alert" className="text-sm text-red-600 dark:text-red-400">The smoke settings could not be loaded: {q.error.message}</p>;
  return <SmokeSettingsForm key={q.dataUpdatedAt} endpointId={endpointId} initial={q.data} onDone={onDone} />;
}

function SmokeSettingsForm({ endpointId, initial, onDone }: { endpointId: string; initial: { optIn: boolean; input: Record<string, unknown> | null; expect: Record<string, unknown> | null }; onDone: () => void }) {
  const uid = useId();
  const qc = useQueryClient();
  const [optIn, setOptIn] = useState(initial.optIn);
  const [input, setInput] = useState(initial.input ? JSON.stringify(initial.input, null, 2) : "");
  const [expect, setExpect] = useState(initial.expect ? JSON.stringify(initial.expect, null, 2) : "");
  const [error, setError] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: saveSmokeSettings,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: criteriaKeys.all });
      onDone();
    },
    onError: (e) => setError(e.message),
  });
  const parseObject = (text: string, what: string): Record<string, unknown> | null | Error => {
    if (text.trim() === "") return null;
    try {
      const v: unknown = JSON.parse(text);
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
      return new Error(`${what} must be a JSON object.`);
    } catch (e) {
      return new Error(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <form
      aria-label="Smoke job settings"
      className="space-y-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const i = parseObject(input, "The input");
        const x = parseObject(expect, "The expected-output check");
        if (i instanceof Error) return setError(i.message);
        if (x instanceof Error) return setError(x.message);
        if (optIn && !i) return setError("Opting in needs the input to send (the handler's test input).");
        m.mutate({ endpointId, optIn, input: i, expect: x });
      }}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={optIn} onChange={(e) => setOptIn(e.target.checked)} />
        Send smoke jobs to this endpoint (on a schedule and after each new deployment)
      </label>
      <label className="block text-xs font-medium text-muted" htmlFor={`${uid}-input`}>
        Input sent as the job&apos;s <code>input</code> (JSON object)
      </label>
      <textarea id={`${uid}-input`} value={input} onChange={(e) => setInput(e.target.value)} rows={4} spellCheck={false} className="block w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-xs" />
      <label className="block text-xs font-medium text-muted" htmlFor={`${uid}-expect`}>
        Expected output (JSON: dot paths into <code>output</code> → a value or {"{$type, $min, $max, $exists}"}; empty: COMPLETED is enough)
      </label>
      <textarea id={`${uid}-expect`} value={expect} onChange={(e) => setExpect(e.target.value)} rows={3} spellCheck={false} className="block w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-xs" />
      <FormFooter error={error} pending={m.isPending} label="Save smoke settings" pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

/** The error line and the submit / cancel buttons every editor here ends with. */
function FormFooter({ error, pending, label, pendingLabel, onCancel }: { error: string | null; pending: boolean; label: string; pendingLabel: string; onCancel: () => void }) {
  return (
    <>
      {error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={pending}>
          {pending ? pendingLabel : label}
        </Button>
        <Button size="sm" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </>
  );
}
