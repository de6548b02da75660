"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { ApiError } from "@/lib/queries/fetch-json";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";

export const inputClass =
  "h-8 rounded-md border border-line-strong bg-surface px-2.5 text-sm text-fg outline-none focus:border-accent focus:ring-2 focus:ring-accent/30";

export function Field({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <label className={cx("flex flex-col gap-1 text-xs font-medium text-muted", className)}>
      {label}
      {children}
    </label>
  );
}

export function TextInput(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={cx(inputClass, props.className)} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={cx(inputClass, "pr-7", props.className)} />;
}

/** Runs a mutation, shows its error, and refreshes the server-rendered data after success. */
export function useAction() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setPending(true);
    setError(null);
    try {
      const out = await fn();
      router.refresh();
      return out;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Request failed. Try again.");
      return undefined;
    } finally {
      setPending(false);
    }
  }
  /** A form's submit handler: sends the form's data through `run` and clears the form after success. */
  async function submit<T>(e: FormEvent<HTMLFormElement>, send: (f: FormData) => Promise<T>): Promise<T | undefined> {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const out = await run(() => send(f));
    if (out) form.reset();
    return out;
  }
  return { run, submit, error, pending, setError };
}

/** A titled card around a one-line create form: the fields, its submit button and its error. */
export function CreateFormCard({
  id,
  title,
  description,
  onSubmit,
  submitLabel,
  action,
  before,
  after,
  children,
}: {
  id: string;
  title: string;
  description: string;
  onSubmit: (e: FormEvent<HTMLFormElement>) => unknown;
  submitLabel: string;
  action: { pending: boolean; error: string | null };
  /** Shown above the form (a new secret). */
  before?: ReactNode;
  /** Shown under the error (help text). */
  after?: ReactNode;
  children: ReactNode;
}) {
  return (
    <CardSection id={id} title={title} description={description}>
      <CardBody className="flex flex-col gap-3">
        {before}
        <form onSubmit={(e) => void onSubmit(e)} className="flex flex-wrap items-end gap-3">
          {children}
          <Button type="submit" variant="primary" disabled={action.pending}>
            {submitLabel}
          </Button>
        </form>
        <ErrorText error={action.error} />
        {after}
      </CardBody>
    </CardSection>
  );
}

export function ErrorText({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-300">
      {error}
    </p>
  );
}

/** The last cell of a credential's row: a Revoke button that asks first; empty once revoked. */
export function RevokeCell({ revoked, confirm, disabled, onRevoke }: { revoked: boolean; confirm: string; disabled: boolean; onRevoke: () => unknown }) {
  return (
    <td className="px-4 py-2 text-right">
      {!revoked ? (
        <Button
          size="sm"
          variant="danger"
          disabled={disabled}
          onClick={() => {
            if (window.confirm(confirm)) void onRevoke();
          }}
        >
          Revoke
        </Button>
      ) : null}
    </td>
  );
}

/** A secret shown once after creation, with a copy button. */
export function OneTimeSecret({ secret, what, onDone }: { secret: string; what: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-md border border-emerald-500/30 bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-400/10 dark:text-emerald-200">
      <p className="font-medium">Copy the new {what} now: it is shown only once.</p>
      <div className="mt-2 flex items-center gap-2">
        <code aria-label={`new ${what}`} className="min-w-0 flex-1 break-all rounded bg-surface px-2 py-1 font-mono text-xs text-fg">
          {secret}
        </code>
        <button
          type="button"
          className="rounded-md border border-line-strong bg-surface px-2 py-1 text-xs text-fg hover:bg-subtle"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="rounded-md px-2 py-1 text-xs text-muted hover:text-fg" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function formatTime(iso: string | null): string {
  if (!iso) return "never";
  return new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
