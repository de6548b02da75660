"use client";

import { useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { CardSection } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { FirstLoad, StaleBadge } from "@/components/endpoints/stale-badge";
import { workersQueryOptions } from "@/lib/endpoints/client/queries";
import { logDownloadUrl, logKeys, logSearchQueryOptions, logTailQueryOptions, type LogTail, type LogViewFilter } from "@/lib/logs/client/queries";
import { isCrashLine, mergeLogLines } from "./log-lines";
import { LogUploadForm } from "./log-upload-form";

/** Lines kept on screen; older ones are a "Load older" away (the download has everything). */
const MAX_LINES = 3000;

export interface LogViewerProps {
  filter: LogViewFilter;
  live: boolean;
  onChange: (patch: { worker?: string; job?: string; q?: string; tail?: "1" | "0" }) => void;
}

/**
 * Stored log lines of an endpoint: filter by worker/job, search, download, live tail. Log text
 * is untrusted and is rendered as React text nodes only, never as HTML.
 */
export function LogViewer({ filter, live, onChange }: LogViewerProps) {
  const search = useInfiniteQuery(logSearchQueryOptions(filter));
  const workers = useQuery(workersQueryOptions(filter.endpointId));
  const qc = useQueryClient();
  const startId = search.data?.pages[0]?.maxId ?? null;
  const tailOpts = logTailQueryOptions(filter, startId ?? "0", {
    enabled: live && startId !== null,
    previous: () => qc.getQueryData<LogTail>(logKeys.tail(filter, startId ?? "0")),
    max: MAX_LINES,
  });
  const tailQ = useQuery(tailOpts);

  const { lines, dropped } = mergeLogLines(search.data?.pages.map((p) => p.lines) ?? [], tailQ.data?.lines ?? [], MAX_LINES);

  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);

  const [q, setQ] = useState(filter.q ?? "");
  const [job, setJob] = useState(filter.jobId ?? "");
  const applySearch = (ev: FormEvent) => {
    ev.preventDefault();
    onChange({ q: q.trim() || undefined, job: job.trim() || undefined });
  };
  const workerIds = workers.data?.workers.map((w) => w.id) ?? [];
  if (filter.workerId && !workerIds.includes(filter.workerId)) workerIds.unshift(filter.workerId);

  return (
    <CardSection
      id="logs-heading"
      title="Logs"
      description="Worker logs kept by sweepwatch: read from RunPod's log streams, pushed by the worker wrapper, or uploaded. Times in UTC."
      actions={
        <>
          <StaleBadge isError={search.isError || tailQ.isError} dataUpdatedAt={Math.max(search.dataUpdatedAt, tailQ.dataUpdatedAt)} error={search.error ?? tailQ.error} />
          {live ? (
            <Badge tone="success" dot pulse>
              live
            </Badge>
          ) : null}
        </>
      }
    >
      <form onSubmit={applySearch} className="flex flex-wrap items-end gap-3 border-b border-line px-4 py-3" role="search" aria-label="Filter logs">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Worker
          <select
            value={filter.workerId ?? ""}
            onChange={(e) => onChange({ worker: e.target.value || undefined })}
            className="h-8 w-48 rounded-md border border-line-strong bg-surface px-2 font-mono text-xs text-fg"
          >
            <option value="">all workers</option>
            {workerIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Job id
          <input value={job} onChange={(e) => setJob(e.target.value)} placeholder="any job" className="h-8 w-48 rounded-md border border-line-strong bg-surface px-2 font-mono text-xs text-fg" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Search text
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. random_device" maxLength={200} className="h-8 w-56 rounded-md border border-line-strong bg-surface px-2 text-sm text-fg" />
        </label>
        <Button type="submit" size="md">
          Apply
        </Button>
        <label className="ml-auto flex items-center gap-2 text-xs font-medium text-muted">
          <input type="checkbox" checked={live} onChange={(e) => onChange({ tail: e.target.checked ? "1" : "0" })} />
          Live tail
        </label>
        <a href={logDownloadUrl(filter)} download className={buttonClasses({ size: "md" })}>
          Download
        </a>
      </form>
      {!search.data ? <FirstLoad what="logs" isError={search.isError} error={search.error} bars={["h-40 w-full"]} /> : (
        <div>
          <div className="flex items-center gap-3 px-4 py-2 text-xs text-muted">
            {search.hasNextPage ? (
              <Button size="sm" onClick={() => void search.fetchNextPage()} disabled={search.isFetchingNextPage}>
                {search.isFetchingNextPage ? "Loading…" : "Load older lines"}
              </Button>
            ) : (
              <span>{lines.length ? "Start of the stored log." : ""}</span>
            )}
            <span className="ml-auto tabular-nums">
              {lines.length.toLocaleString("en-US")} line{lines.length === 1 ? "" : "s"} shown
              {dropped ? ` (${dropped.toLocaleString("en-US")} older hidden; use Download)` : ""}
            </span>
          </div>
          <div
            ref={box}
            onScroll={(e) => {
              const el = e.currentTarget;
              stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
            }}
            className="max-h-[28rem] overflow-auto border-t border-line bg-canvas font-mono text-xs leading-5"
            role="log"
            aria-label="Log lines"
            aria-live="off"
          >
            {lines.length === 0 ? (
              <p className="px-4 py-6 text-center font-sans text-sm text-muted">
                {filter.q || filter.workerId || filter.jobId ? "No lines match these filters." : "No log lines stored for this endpoint yet."}
                {live ? " New lines appear here as they arrive." : ""}
              </p>
            ) : (
              <ol>
                {lines.map((l) => (
                  <li key={l.id} className={cx("flex gap-3 px-4 hover:bg-subtle", isCrashLine(l.text) && "bg-red-50 dark:bg-red-400/10")}>
                    <time dateTime={l.ts} className="shrink-0 text-faint">
                      {l.ts.slice(11, 23)}
                    </time>
                    <span className="w-28 shrink-0 truncate text-muted" title={l.workerId ?? undefined}>
                      {l.workerId ?? "—"}
                    </span>
                    <span className={cx("w-16 shrink-0 truncate", l.stream === "stderr" ? "text-red-600 dark:text-red-400" : "text-faint")}>{l.stream ?? l.source}</span>
                    {/* Text node only: log content is never interpreted as HTML. */}
                    <span className="min-w-0 whitespace-pre-wrap break-all text-fg">{l.text}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
      <LogUploadForm endpointId={filter.endpointId} defaultWorker={filter.workerId} />
    </CardSection>
  );
}
