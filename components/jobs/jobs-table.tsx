"use client";

import Link from "next/link";
import { Fragment, useEffect, useRef, useState, type ReactNode } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CardSection } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/components/hooks/use-now";
import { jobTone, statusLabel } from "@/components/endpoints/format";
import { formatMs, formatUtcTime, timeAgo } from "@/lib/format/time";
import { FirstLoad, StaleBadge } from "@/components/endpoints/stale-badge";
import { JobError } from "./job-error";
import type { JobDto } from "@/lib/api/specs/jobs";
import { jobListQueryOptions, jobQueryOptions, type JobListFilter } from "@/lib/jobs/client/queries";

export const JOB_FILTERS: { value: string | undefined; label: string }[] = [
  { value: undefined, label: "All" },
  { value: "IN_QUEUE", label: "In queue" },
  { value: "IN_PROGRESS", label: "In progress" },
  { value: "COMPLETED", label: "Completed" },
  { value: "FAILED", label: "Failed" },
  { value: "TIMED_OUT", label: "Timed out" },
  { value: "EXPIRED", label: "Expired" },
  { value: "flagged", label: "Flagged" },
];

const VERDICT_LABEL: Record<string, string> = {
  random_device_crash_loop: "random_device crash loop",
  crash_loop: "crash loop",
  no_capacity: "no capacity",
  cold_start: "cold start",
};

/** Verdict chips; with `href` each links to the evidence behind it (the job's expanded details). */
export function VerdictBadges({ job, href }: { job: Pick<JobDto, "verdict" | "flag">; href?: string }) {
  const wrap = (node: ReactNode, label: string) =>
    href ? (
      <Link href={href} scroll={false} className="rounded-md hover:underline" aria-label={`${label}: show the evidence`}>
        {node}
      </Link>
    ) : (
      node
    );
  return (
    <>
      {job.flag
        ? wrap(
            <Badge tone="danger" dot title={`Flagged by detection: ${job.flag}`}>
              flag: {VERDICT_LABEL[job.flag] ?? job.flag.replace(/_/g, " ")}
            </Badge>,
            `flag ${VERDICT_LABEL[job.flag] ?? job.flag}`,
          )
        : null}
      {job.verdict && job.verdict !== job.flag
        ? wrap(<Badge tone="warning">{VERDICT_LABEL[job.verdict] ?? job.verdict.replace(/_/g, " ")}</Badge>, VERDICT_LABEL[job.verdict] ?? job.verdict)
        : null}
    </>
  );
}

interface VerdictDetail {
  reason?: string;
  evidence?: { ts?: string; text?: string }[];
  incidentId?: string | null;
}

function readVerdictDetail(v: unknown): VerdictDetail | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  return {
    reason: typeof o.reason === "string" ? o.reason : undefined,
    evidence: Array.isArray(o.evidence) ? (o.evidence.filter((e) => e && typeof e === "object") as VerdictDetail["evidence"]) : undefined,
    incidentId: typeof o.incidentId === "string" || typeof o.incidentId === "number" ? String(o.incidentId) : null,
  };
}

/**
 * Tracked jobs of one endpoint, filtered by state (URL). Rows are patched in place while
 * polling; jobs newer than what is shown wait behind a "N new" button, so rows never jump
 * under the reader's eyes.
 */
export function JobsTable({
  filter,
  onFilter,
  revealAfter,
  focusJobId,
  jobHref,
}: {
  filter: JobListFilter;
  onFilter: (status: string | undefined) => void;
  revealAfter: string | null;
  /** A job named in the URL (?job=): shown expanded, scrolled into view and highlighted. */
  focusJobId?: string;
  jobHref?: (jobId: string) => string;
}) {
  const q = useInfiniteQuery(jobListQueryOptions(filter));
  const listed = q.data?.pages.flatMap((p) => p.jobs) ?? [];
  // A linked job not on the loaded pages (older, or filtered out) is fetched on its own and shown first.
  const focusQ = useQuery({ ...jobQueryOptions(focusJobId ?? ""), enabled: !!focusJobId && q.isSuccess && !listed.some((j) => j.id === focusJobId) });
  const rows = focusJobId && focusQ.data && !listed.some((j) => j.id === focusJobId) ? [focusQ.data.job, ...listed] : listed;
  const newest = rows.reduce<string | null>((m, r) => (m === null || r.createdAt > m ? r.createdAt : m), null);
  const [cutoff, setCutoff] = useState<string | null>(newest);
  const [seenFilter, setSeenFilter] = useState(filter.status);
  // A new filter shows everything; a job submitted from the form is revealed at once.
  if (seenFilter !== filter.status) {
    setSeenFilter(filter.status);
    setCutoff(newest);
  } else if (cutoff === null && newest !== null) {
    setCutoff(newest);
  } else if (revealAfter && cutoff !== null && revealAfter > cutoff) {
    setCutoff(revealAfter);
  }
  const shown = cutoff === null ? rows : rows.filter((r) => r.createdAt <= cutoff || r.id === focusJobId);
  const pending = cutoff === null ? 0 : rows.length - shown.length;
  const [open, setOpen] = useState<Set<string>>(() => new Set(focusJobId ? [focusJobId] : []));
  const [seenFocus, setSeenFocus] = useState(focusJobId);
  if (seenFocus !== focusJobId) {
    setSeenFocus(focusJobId);
    if (focusJobId) setOpen((o) => new Set(o).add(focusJobId));
  }
  const focusShown = !!focusJobId && shown.some((j) => j.id === focusJobId);
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (!focusJobId || !focusShown || scrolledTo.current === focusJobId) return;
    scrolledTo.current = focusJobId;
    document.getElementById(`job-${focusJobId}`)?.scrollIntoView({ block: "center" });
  }, [focusJobId, focusShown]);
  const now = useNow();

  return (
    <CardSection
      id="jobs-heading"
      title="Jobs"
      description="Jobs sweepwatch tracks on this endpoint (submitted here, by sweeps, or received by webhook), newest first."
      actions={<StaleBadge isError={q.isError} dataUpdatedAt={q.dataUpdatedAt} error={q.error} />}
    >
      <div className="flex flex-wrap items-center gap-1 border-b border-line px-4 py-2" role="group" aria-label="Filter jobs by state">
        {JOB_FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            aria-pressed={filter.status === f.value}
            onClick={() => onFilter(f.value)}
            className={cx("rounded-md px-2 py-0.5 text-xs font-medium", filter.status === f.value ? "bg-accent-soft text-accent" : "text-muted hover:bg-subtle hover:text-fg")}
          >
            {f.label}
          </button>
        ))}
        {pending > 0 ? (
          <Button size="sm" variant="secondary" className="ml-auto" onClick={() => setCutoff(newest)}>
            Show {pending} new job{pending === 1 ? "" : "s"}
          </Button>
        ) : null}
      </div>
      {!q.data ? <FirstLoad what="jobs" isError={q.isError} error={q.error} /> : shown.length === 0 ? (
        <EmptyState title={filter.status ? `No ${filter.status === "flagged" ? "flagged" : statusLabel(filter.status)} jobs` : "No jobs tracked yet"} headingLevel={3} size="sm">
          <p>Submit one with the form below; in demo mode a steady trickle of jobs arrives by itself.</p>
        </EmptyState>
      ) : (
        <DataTable divided columns={["Job", "Status", "Detection", "Submitted", "Delay / run", "Worker"]}>
          {shown.map((j) => {
            const expanded = open.has(j.id);
            return (
              <Fragment key={j.id}>
                <tr
                  id={`job-${j.id}`}
                  data-focused={j.id === focusJobId || undefined}
                  className={cx("scroll-mt-24 align-top", j.id === focusJobId && "bg-amber-50 outline-2 -outline-offset-2 outline-amber-400 dark:bg-amber-400/10")}
                >
                  <th scope="row" className="px-4 py-2 text-left font-normal">
                    <button
                      type="button"
                      aria-expanded={expanded}
                      aria-controls={`job-${j.id}-history`}
                      onClick={() => setOpen((s) => toggle(s, j.id))}
                      className="flex items-center gap-1 font-mono text-xs text-fg hover:text-accent"
                    >
                      <span aria-hidden className={cx("inline-block transition-transform", expanded && "rotate-90")}>
                        ▸
                      </span>
                      <span className="sr-only">{expanded ? "Hide" : "Show"} history of</span> {j.id}
                    </button>
                    <span className="ml-4 text-xs text-faint">{j.source}</span>
                  </th>
                  <td className="px-4 py-2">
                    <Badge tone={jobTone(j.status)} dot pulse={j.status === "IN_PROGRESS"}>
                      {statusLabel(j.status)}
                    </Badge>
                  </td>
                  <td className="px-4 py-2">
                    <div className="flex flex-wrap gap-1">
                      <VerdictBadges job={j} href={jobHref?.(j.id)} />
                      {!j.flag && !j.verdict ? <span className="text-xs text-faint">—</span> : null}
                    </div>
                  </td>
                  <td className="px-4 py-2 text-xs" title={formatUtcTime(j.submittedAt ?? j.createdAt)} suppressHydrationWarning>
                    {timeAgo(j.submittedAt ?? j.createdAt, now)}
                  </td>
                  <td className="px-4 py-2 text-xs tabular-nums">
                    {formatMs(j.delayTime)} / {formatMs(j.executionTime)}
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{j.workerId ?? "—"}</td>
                </tr>
                {expanded ? (
                  <tr id={`job-${j.id}-history`} className={cx(j.id === focusJobId && "bg-amber-50 dark:bg-amber-400/10")}>
                    <td colSpan={6} className="bg-subtle/50 px-4 py-3">
                      {/* On a phone the table scrolls sideways; the details stay in view. */}
                      <div className="sticky left-4 max-w-[calc(100vw-4.5rem)] sm:max-w-none">
                        <JobDetails job={j} />
                      </div>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </DataTable>
      )}
      {q.hasNextPage ? (
        <div className="border-t border-line px-4 py-2">
          <Button size="sm" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
            {q.isFetchingNextPage ? "Loading…" : "Load older jobs"}
          </Button>
        </div>
      ) : null}
    </CardSection>
  );
}

function toggle(s: Set<string>, id: string): Set<string> {
  const n = new Set(s);
  if (n.has(id)) n.delete(id);
  else n.add(id);
  return n;
}

function JobDetails({ job }: { job: JobDto }) {
  const detail = useQuery(jobQueryOptions(job.id));
  const why = readVerdictDetail(detail.data?.job.verdictDetail);
  const lines = why?.evidence?.filter((e) => typeof e.text === "string") ?? [];
  // The abort line is the one that names the error (what(): ...), else the last line before the exit.
  const abort = [...lines].reverse().find((e) => /what\(\)|error|abort|terminate/i.test(e.text!)) ?? lines.at(-1);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {(job.flag || job.verdict) && why?.reason ? (
        <div className="md:col-span-2" aria-label="Why this job waits" role="group">
          <h4 className="text-xs font-semibold text-fg">Why it {job.status === "IN_QUEUE" ? "waits" : "was flagged"}</h4>
          <p className="mt-0.5 text-sm text-fg">
            {why.reason.charAt(0).toUpperCase() + why.reason.slice(1)}
            {detail.data?.job.verdictAt ? <span className="text-xs text-muted"> (verdict {formatUtcTime(detail.data.job.verdictAt)})</span> : null}.
          </p>
          {abort?.text ? (
            <p className="mt-1 text-xs text-muted">
              Latest abort line{abort.ts ? ` (${formatUtcTime(abort.ts)})` : ""}:{" "}
              <code className="whitespace-pre-wrap break-all rounded bg-surface px-1 font-mono text-fg">{abort.text.trim()}</code>
            </p>
          ) : null}
          {why.incidentId ? (
            <Link className="mt-1 inline-block text-xs font-medium text-accent hover:underline" href={`/incidents/${encodeURIComponent(why.incidentId)}`}>
              Open incident #{why.incidentId}: evidence, runbook, acknowledge
            </Link>
          ) : null}
        </div>
      ) : null}
      <div>
        <h4 className="text-xs font-semibold text-fg">Status history</h4>
        {job.history.length === 0 ? (
          <p className="text-xs text-muted">No transitions recorded yet.</p>
        ) : (
          <ol className="mt-1 space-y-0.5 text-xs">
            {job.history.map((h, i) => (
              <li key={`${h.at}-${i}`} className="flex gap-2">
                <time dateTime={h.at} className="font-mono text-muted">
                  {formatUtcTime(h.at)}
                </time>
                <span>
                  {h.from ? `${statusLabel(h.from)} → ` : ""}
                  <strong className="font-medium">{statusLabel(h.to)}</strong>
                </span>
                <span className="text-faint">via {h.source}</span>
              </li>
            ))}
          </ol>
        )}
        {job.error ? (
          <>
            <h4 className="mt-3 text-xs font-semibold text-fg">Error</h4>
            <JobError error={job.error} className="mt-1" />
          </>
        ) : null}
      </div>
      <div>
        <h4 className="text-xs font-semibold text-fg">Input / output</h4>
        {detail.data ? (
          <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded border border-line bg-surface p-2 text-xs">
            {JSON.stringify({ input: detail.data.job.input, output: detail.data.job.output }, null, 2)}
          </pre>
        ) : detail.isError ? (
          <p className="text-xs text-red-700">Could not load the job.</p>
        ) : (
          <Skeleton className="mt-1 h-16 w-full" />
        )}
      </div>
    </div>
  );
}
