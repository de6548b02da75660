"use client";

import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { withQuery } from "@/components/url-state";
import { LOG_UPLOAD_MAX_BYTES, UploadLogResultDtoSchema } from "@/lib/api/specs/logs";
import { ApiError } from "@/lib/queries/fetch-json";
import { csrfHeaders } from "@/lib/queries/send-json";
import { logKeys } from "@/lib/logs/client/queries";

async function upload(endpointId: string, workerId: string, file: File) {
  const res = await fetch(withQuery("/api/logs/upload", { endpointId, workerId: workerId.trim() }), {
    method: "POST",
    headers: { "content-type": "text/plain; charset=utf-8", accept: "application/json", ...csrfHeaders() },
    body: file,
    credentials: "same-origin",
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? "http_error", err?.message ?? `Upload failed (${res.status}).`);
  }
  return UploadLogResultDtoSchema.parse(body);
}

/** On-call: attach a log file (e.g. copied from the RunPod console) to this endpoint and optionally a worker. */
export function LogUploadForm({ endpointId, defaultWorker }: { endpointId: string; defaultWorker?: string }) {
  const qc = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [workerId, setWorkerId] = useState(defaultWorker ?? "");
  const [clientError, setClientError] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (file: File) => upload(endpointId, workerId, file),
    onSuccess: () => {
      if (fileRef.current) fileRef.current.value = "";
      void qc.invalidateQueries({ queryKey: logKeys.all });
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return setClientError("Choose a log file first.");
    if (file.size > LOG_UPLOAD_MAX_BYTES) return setClientError(`The file is larger than ${LOG_UPLOAD_MAX_BYTES / 1024 / 1024} MiB.`);
    setClientError(null);
    m.mutate(file);
  };
  const error = clientError ?? (m.isError ? (m.error instanceof Error ? m.error.message : "Upload failed.") : null);
  return (
    <details className="border-t border-line px-4 py-3">
      <summary className="cursor-pointer text-xs font-medium text-muted">Upload a log file (on-call)</summary>
      <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Log file (text, up to {LOG_UPLOAD_MAX_BYTES / 1024 / 1024} MiB)
          <input ref={fileRef} type="file" accept=".log,.txt,text/plain" className="text-xs" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Worker id (optional)
          <input value={workerId} onChange={(e) => setWorkerId(e.target.value)} maxLength={128} className="h-8 w-48 rounded-md border border-line-strong bg-surface px-2 font-mono text-xs text-fg" />
        </label>
        <Button type="submit" disabled={m.isPending}>
          {m.isPending ? "Uploading…" : "Upload"}
        </Button>
      </form>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : m.isSuccess ? (
        <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-300">
          Stored {m.data.inserted} of {m.data.lines} lines{m.data.inserted < m.data.lines ? " (the rest were already stored)" : ""}
          {m.data.truncatedLines ? `; ${m.data.truncatedLines} over-long lines truncated` : ""}.
        </p>
      ) : null}
    </details>
  );
}
