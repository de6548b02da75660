"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { JobDetailDtoSchema, type JobDetailDto } from "@/lib/api/specs/jobs";
import { parseJobInput } from "./job-input";
import { jobKeys } from "@/lib/jobs/client/queries";
import { endpointKeys } from "@/lib/endpoints/client/queries";
import { sendJson } from "@/lib/queries/send-json";

const EXAMPLE = '{\n  "x1": 2.5,\n  "x2": 7.5\n}';

/** Like the RunPod console's request tab: POST /run with a JSON input, then tracked like any job. */
export function SubmitJobForm({ endpointId, onSubmitted }: { endpointId: string; onSubmitted: (job: JobDetailDto) => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState(EXAMPLE);
  const [clientError, setClientError] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (input: Record<string, unknown>) => sendJson("POST", "/api/jobs", { endpointId, input }, z.object({ job: JobDetailDtoSchema })),
    onSuccess: ({ job }) => {
      onSubmitted(job);
      void qc.invalidateQueries({ queryKey: jobKeys.all });
      void qc.invalidateQueries({ queryKey: endpointKeys.detail(endpointId) });
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = parseJobInput(text);
    if (!r.ok) {
      setClientError(r.error);
      return;
    }
    setClientError(null);
    m.mutate(r.input);
  };
  const error = clientError ?? (m.isError ? (m.error instanceof Error ? m.error.message : "Submission failed.") : null);
  return (
    <CardSection id="submit-job-heading" title="Submit a job" description="Sends one job (POST /run) with this input and tracks it. Engineers and admins.">
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-2">
          <label htmlFor="job-input" className="block text-xs font-medium text-muted">
            Input (JSON object, passed to the handler as job[&quot;input&quot;])
          </label>
          <textarea
            id="job-input"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={6}
            spellCheck={false}
            aria-invalid={clientError ? true : undefined}
            aria-describedby={error ? "job-input-error" : undefined}
            className="block w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-xs text-fg"
          />
          <div className="flex items-center gap-3">
            <Button type="submit" variant="primary" disabled={m.isPending}>
              {m.isPending ? "Submitting…" : "Submit job"}
            </Button>
            {m.isSuccess && !error ? (
              <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
                Submitted <span className="font-mono">{m.data.job.id}</span> ({m.data.job.status.toLowerCase().replace(/_/g, " ")}).
              </p>
            ) : null}
          </div>
          {error ? (
            <p id="job-input-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          ) : null}
        </form>
      </CardBody>
    </CardSection>
  );
}
