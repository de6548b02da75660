"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { MeDtoSchema } from "@/lib/api/specs/auth";
import { ApiError } from "@/lib/queries/fetch-json";
import { sendJson } from "@/lib/queries/send-json";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      await sendJson("POST", "/api/auth/login", { username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") }, MeDtoSchema);
      // A full navigation, so every server component renders with the new session.
      window.location.assign(next);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not reach the server. Try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" aria-label="Sign in">
      <label className="flex flex-col gap-1 text-sm font-medium text-fg">
        Username
        <input
          name="username"
          autoComplete="username"
          required
          maxLength={128}
          className="h-9 rounded-md border border-line-strong bg-surface px-2.5 text-sm font-normal text-fg outline-none focus:border-accent focus:ring-2 focus:ring-accent/30"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-fg">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          className="h-9 rounded-md border border-line-strong bg-surface px-2.5 text-sm font-normal text-fg outline-none focus:border-accent focus:ring-2 focus:ring-accent/30"
        />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
