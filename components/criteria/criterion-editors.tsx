"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { attestCriterion, criteriaKeys, runSmokeJobNow, updateCriterionParams } from "@/lib/queries/criteria";
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
      {error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={m.isPending}>
          {m.isPending ? "Saving…" : "Save and re-evaluate"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
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
      {error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={m.isPending}>
          {m.isPending ? "Recording…" : "Attest"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
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
