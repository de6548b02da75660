"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { EndpointCost } from "./endpoint-cost";
import { Skeleton } from "@/components/ui/skeleton";
import { Stat, StatGrid } from "@/components/ui/stat";
import { useNow } from "@/components/hooks/use-now";
import { QueueDepthChart } from "@/components/charts/queue-depth-chart";
import { WorkerStatesChart } from "@/components/charts/worker-states-chart";
import { JobsTable } from "@/components/jobs/jobs-table";
import { SubmitJobForm } from "@/components/jobs/submit-job-form";
import { LogViewer } from "@/components/logs/log-viewer";
import { EndpointDetailDtoSchema } from "@/lib/api/specs/endpoints";
import { prepareQueueDepthChart, prepareWorkerStateChart } from "@/lib/charts/endpoints";
import { endpointKeys, endpointPageQuery, endpointQueryOptions, snapshotsQueryOptions, TIME_RANGE_LABELS } from "@/lib/endpoints/client/queries";
import { sendJson } from "@/lib/queries/send-json";
import { describePollError, formatCounter } from "@/lib/format/poll-error";
import { CountBadges, STALE_SNAPSHOT_SECONDS } from "./endpoints-list";
import { formatDuration, formatUtcTime } from "@/lib/format/time";
import { formatCounts, jobTone, WORKER_STATUS_DISPLAY_ORDER, workerTone } from "./format";
import { JOB_STATUS_DISPLAY_ORDER } from "@/lib/domain/job/status";
import { LoadError, StaleBadge } from "./stale-badge";
import { TimeRangePicker } from "./time-range-picker";
import { useEndpointPageState } from "./use-endpoint-page-state";
import { WorkersTable } from "./workers-table";

/** The endpoint page's client part: everything polls with the options the server page prefetched with. */
export function EndpointView({ id }: { id: string }) {
  const [state, setState] = useEndpointPageState();
  const [revealAfter, setRevealAfter] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <EndpointSummary id={id} />
      <EndpointCost id={id} />
      <CardSection
        id="charts-heading"
        title="Queue and workers over time"
        description={`Last ${TIME_RANGE_LABELS[state.range]}, from the poller's health snapshots.`}
        actions={<TimeRangePicker value={state.range} onChange={(range) => setState({ range })} />}
      >
        <CardBody>
          <EndpointCharts id={id} range={state.range} />
        </CardBody>
      </CardSection>
      <WorkersTable
        endpointId={id}
        onShowLogs={(worker) => {
          setState({ worker, job: undefined });
          document.getElementById("logs-heading")?.scrollIntoView({ behavior: "smooth" });
        }}
      />
      <JobsTable
        filter={{ endpointId: id, status: state.status }}
        onFilter={(status) => setState({ status })}
        revealAfter={revealAfter}
        focusJobId={state.job}
        jobHref={(jobId) => `/endpoints/${encodeURIComponent(id)}${endpointPageQuery({ ...state, job: jobId })}`}
      />
      <SubmitJobForm endpointId={id} onSubmitted={(job) => setRevealAfter(job.createdAt)} />
      <LogViewer
        key={`${state.worker ?? ""}|${state.job ?? ""}|${state.q ?? ""}`}
        filter={{ endpointId: id, workerId: state.worker, jobId: state.job, q: state.q }}
        live={state.tail === "1"}
        onChange={(patch) => setState(patch)}
      />
    </div>
  );
}


function EndpointSummary({ id }: { id: string }) {
  const q = useQuery(endpointQueryOptions(id));
  const now = useNow();
  const e = q.data?.endpoint;
  if (!e) return q.isError ? <LoadError what="the endpoint" error={q.error} /> : <Skeleton className="h-28 w-full" />;
  const drift = now !== null ? Math.max(0, (now - Date.parse(e.generatedAt)) / 1000) : 0;
  const age = e.snapshotAgeSeconds === null ? null : e.snapshotAgeSeconds + drift;
  const s = e.latestSnapshot;
  return (
    <CardSection
      id="summary-heading"
      title={
        <span className="flex items-center gap-2">
          Now {e.paused ? <Badge tone="neutral">paused</Badge> : <Badge tone="success" dot>active</Badge>}
          {e.flaggedJobs ? <Badge tone="danger">{e.flaggedJobs} flagged jobs</Badge> : null}
          {e.type === "LOAD_BALANCER" ? <Badge tone="neutral">load-balancer endpoint</Badge> : null}
          {e.missingSince ? <Badge tone="danger">missing on RunPod</Badge> : null}
        </span>
      }
      description={
        <span suppressHydrationWarning>
          {age === null ? "No health snapshot yet." : `Latest snapshot ${formatDuration(age)} old${age > STALE_SNAPSHOT_SECONDS && !e.paused ? " (stale: is the poller running?)" : ""}.`}
          {e.image ? ` Image ${e.image}.` : ""}
          {e.type === "LOAD_BALANCER" ? " Load-balancer endpoint: it has no job queue, so sweepwatch lists it and does not poll it." : ""}
          {e.missingSince ? ` RunPod answers 404 for this endpoint since ${formatUtcTime(e.missingSince)} (deleted or mistyped); its open jobs are kept, not expired.` : ""}
        </span>
      }
      actions={
        <>
          <StaleBadge isError={q.isError} dataUpdatedAt={q.dataUpdatedAt} error={q.error} />
          <ButtonLink size="sm" href={`/incidents/timeline/${encodeURIComponent(id)}`}>
            Crash timeline
          </ButtonLink>
          <PauseButton id={id} paused={e.paused} />
        </>
      }
    >
      <StatGrid label="Endpoint now">
        <Stat
          label="In queue / in progress"
          value={s ? `${formatCounter(s.jobs.inQueue)} / ${formatCounter(s.jobs.inProgress)}` : "—"}
          hint={s ? `${formatCounter(s.jobs.completed)} completed, ${formatCounter(s.jobs.failed)} failed (RunPod counters)` : undefined}
        />
        <Stat
          label="Tracked jobs"
          value={<CountBadges items={formatCounts(e.jobCounts, JOB_STATUS_DISPLAY_ORDER)} tone={jobTone} empty="none" />}
          hint={s ? `${e.jobCounts.IN_QUEUE ?? 0} of ${formatCounter(s.jobs.inQueue)} queued jobs tracked by sweepwatch` : undefined}
        />
        <Stat
          label="RunPod /health workers"
          value={s ? `${formatCounter(s.workers.idle)} idle, ${formatCounter(s.workers.running)} running` : "—"}
          hint={s ? `unhealthy ${formatCounter(s.workers.unhealthy)}, throttled ${formatCounter(s.workers.throttled)}, initializing ${formatCounter(s.workers.initializing)}` : undefined}
        />
        <Stat label="Workers" value={<CountBadges items={formatCounts(e.workerCounts, WORKER_STATUS_DISPLAY_ORDER)} tone={workerTone} empty="none listed" />} />
      </StatGrid>
      {e.recentErrors.length ? (
        <div className="border-t border-line px-4 py-2 text-xs text-muted">
          <h3 className="font-semibold text-fg">Recent poll errors</h3>
          <ul className="mt-1 space-y-0.5">
            {e.recentErrors.slice(0, 5).map((err) => (
              <li key={`${err.at}-${err.operation}`} suppressHydrationWarning title={err.message}>
                {describePollError(err, now)}
              </li>
            ))}
          </ul>
        </div>
      ) : e.lastError ? (
        <div className="border-t border-line px-4 py-2 text-xs text-muted">
          Last poll error{e.lastErrorAt ? ` (${formatUtcTime(e.lastErrorAt)})` : ""}: <span className="text-fg">{e.lastError}</span>
        </div>
      ) : null}
    </CardSection>
  );
}

function PauseButton({ id, paused }: { id: string; paused: boolean }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (next: boolean) => sendJson("PATCH", `/api/endpoints/${encodeURIComponent(id)}`, { paused: next }, z.object({ endpoint: EndpointDetailDtoSchema })),
    onSuccess: (data) => {
      qc.setQueryData(endpointKeys.detail(id), { endpoint: data.endpoint });
      void qc.invalidateQueries({ queryKey: endpointKeys.list() });
    },
  });
  return (
    <span className="flex items-center gap-2">
      {m.isError ? (
        <span role="alert" className="max-w-48 text-xs text-red-700 dark:text-red-300">
          {m.error instanceof Error ? m.error.message : "Failed."}
        </span>
      ) : null}
      <Button size="sm" onClick={() => m.mutate(!paused)} disabled={m.isPending} title="Admins: stop or restart polling this endpoint">
        {paused ? "Resume polling" : "Pause polling"}
      </Button>
    </span>
  );
}

function EndpointCharts({ id, range }: { id: string; range: Parameters<typeof snapshotsQueryOptions>[1] }) {
  const q = useQuery({ ...snapshotsQueryOptions(id, range), placeholderData: (prev) => prev });
  if (!q.data) return q.isError ? <LoadError what="snapshots" error={q.error} /> : <Skeleton className="h-56 w-full" />;
  return (
    <div className="space-y-1">
      <div className="flex justify-end">
        <StaleBadge isError={q.isError} dataUpdatedAt={q.dataUpdatedAt} error={q.error} />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <div>
          <h3 className="mb-2 text-xs font-semibold text-fg">Queue depth</h3>
          <QueueDepthChart data={prepareQueueDepthChart(q.data)} />
        </div>
        <div>
          <h3 className="mb-2 text-xs font-semibold text-fg">Worker states</h3>
          <WorkerStatesChart data={prepareWorkerStateChart(q.data)} />
        </div>
      </div>
    </div>
  );
}
