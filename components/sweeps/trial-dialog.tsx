"use client";

import { useEffect, useRef } from "react";
import { JobError } from "@/components/jobs/job-error";
import type { TrialDto, TrialStatusName } from "@/lib/api/specs/sweeps";
import { Button } from "@/components/ui/button";
import { TrialStatusBadge } from "./sweep-badges";
import { formatDurationMs, formatUtcTime } from "@/lib/format/time";
import { formatMetric } from "./format";
import { JobLink, WorkerText } from "./trial-links";

export type TrialView = Pick<TrialDto, "id" | "number" | "params" | "value" | "jobId" | "workerId" | "finishedAt"> &
  Partial<Pick<TrialDto, "attempt" | "error" | "submittedAt" | "startedAt" | "durationMs">> & { status: TrialStatusName };

/** One trial in a modal dialog (the URL's `trial` parameter names it, so it can be linked). */
export function TrialDialog({ trial, metricName, endpointId, isBest, onClose }: { trial: TrialView; metricName: string; endpointId: string; isBest: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="trial-dialog-title"
      className="m-auto w-full max-w-2xl rounded-lg border border-line bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40"
    >
      <div className="space-y-4 p-5">
        <div className="flex items-start justify-between gap-4">
          <h2 id="trial-dialog-title" className="flex items-center gap-2 text-base font-semibold">
            Trial #{trial.number}
            <TrialStatusBadge status={trial.status} />
            {isBest ? <span className="text-xs font-medium text-amber-600 dark:text-amber-400">best so far</span> : null}
          </h2>
          <Button size="sm" variant="ghost" onClick={() => ref.current?.close()}>
            Close
          </Button>
        </div>
        <dl className="grid grid-cols-[8rem_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
          <dt className="text-muted">{metricName}</dt>
          <dd className="font-mono tabular-nums">{formatMetric(trial.value)}</dd>
          <dt className="text-muted">Job</dt>
          <dd>
            <JobLink endpointId={endpointId} jobId={trial.jobId} />
          </dd>
          <dt className="text-muted">Worker</dt>
          <dd>
            <WorkerText workerId={trial.workerId} />
          </dd>
          {trial.attempt !== undefined ? (
            <>
              <dt className="text-muted">Attempt</dt>
              <dd>{trial.attempt}</dd>
            </>
          ) : null}
          {trial.submittedAt !== undefined ? (
            <>
              <dt className="text-muted">Submitted</dt>
              <dd>{formatUtcTime(trial.submittedAt)}</dd>
              <dt className="text-muted">Started</dt>
              <dd>{formatUtcTime(trial.startedAt)}</dd>
            </>
          ) : null}
          <dt className="text-muted">Finished</dt>
          <dd>{formatUtcTime(trial.finishedAt)}</dd>
          {trial.durationMs !== undefined && trial.durationMs !== null ? (
            <>
              <dt className="text-muted">Duration</dt>
              <dd>{formatDurationMs(trial.durationMs)}</dd>
            </>
          ) : null}
        </dl>
        {trial.error ? (
          <div>
            <p className="mb-1 text-xs font-medium text-muted">Error</p>
            <JobError error={trial.error} />
          </div>
        ) : null}
        <div>
          <p className="mb-1 text-xs font-medium text-muted">Parameters</p>
          <pre className="max-h-72 overflow-auto rounded-md bg-subtle p-2 font-mono text-xs">{JSON.stringify(trial.params, null, 2)}</pre>
        </div>
      </div>
    </dialog>
  );
}
