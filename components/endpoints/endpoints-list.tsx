"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { CardSection } from "@/components/ui/card";
import { Code } from "@/components/ui/code";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ServerIcon } from "@/components/ui/icons";
import { useNow } from "@/components/hooks/use-now";
import { QueueDepthSparkline } from "@/components/charts/queue-depth-sparkline";
import { formatCounter } from "@/lib/format/poll-error";
import type { EndpointSummaryDto } from "@/lib/api/specs/endpoints";
import { endpointsListQueryOptions } from "@/lib/endpoints/client/queries";
import { formatDuration } from "@/lib/format/time";
import { formatCounts, jobTone, statusLabel, WORKER_STATUS_DISPLAY_ORDER, workerTone } from "./format";
import { JOB_STATUS_DISPLAY_ORDER } from "@/lib/domain/job/status";
import { FirstLoad, StaleBadge } from "./stale-badge";
import { AddEndpointForm } from "./add-endpoint-form";

/** Snapshots older than this are shown as stale. */
export const STALE_SNAPSHOT_SECONDS = 60;

export function EndpointsList() {
  const q = useQuery(endpointsListQueryOptions());
  const now = useNow();
  const data = q.data;
  // Ages are computed against the answer's own clock, then advanced by the local clock.
  const drift = data && now !== null ? Math.max(0, (now - Date.parse(data.generatedAt)) / 1000) : 0;

  return (
    <div className="space-y-6">
      <CardSection
        id="endpoints-heading"
        title="Watched endpoints"
        description="Per endpoint: state, data age, last hour's queue depth, tracked jobs and workers by status, last poll error."
        actions={<StaleBadge isError={q.isError} dataUpdatedAt={q.dataUpdatedAt} error={q.error} />}
      >
        {!data ? <FirstLoad what="the endpoints" isError={q.isError} error={q.error} bars={["h-8 w-full", "h-8 w-full"]} /> : data.endpoints.length === 0 ? (
          <EmptyState icon={<ServerIcon size={20} />} title="No endpoints watched yet" headingLevel={3}>
            <p>sweepwatch discovers endpoints from RunPod once the poller runs; in demo mode they appear within seconds.</p>
            <p>
              Or add one by hand below. Nothing after a minute? Run <Code>npx sweepwatch doctor</Code>.
            </p>
          </EmptyState>
        ) : (
          <DataTable divided columns={["Endpoint", "State", "Queue, last hour", "Tracked jobs", "Workers", "Last error"]}>
            {data.endpoints.map((e) => (
              <EndpointRow key={e.id} e={e} drift={drift} now={now ?? Date.parse(data.generatedAt)} />
            ))}
          </DataTable>
        )}
      </CardSection>
      <AddEndpointForm />
    </div>
  );
}

function EndpointRow({ e, drift, now }: { e: EndpointSummaryDto; drift: number; now: number }) {
  const age = e.snapshotAgeSeconds === null ? null : e.snapshotAgeSeconds + drift;
  const jobs = formatCounts(e.jobCounts, JOB_STATUS_DISPLAY_ORDER);
  const workers = formatCounts(e.workerCounts, WORKER_STATUS_DISPLAY_ORDER);
  return (
    <tr className="align-top">
      <th scope="row" className="px-4 py-3 text-left font-normal">
        <Link href={`/endpoints/${encodeURIComponent(e.id)}`} className="font-medium text-fg hover:text-accent hover:underline">
          {e.displayName ?? e.name}
        </Link>
        <div className="mt-0.5 font-mono text-xs text-muted">{e.id}</div>
        {e.flaggedJobs > 0 ? (
          <Badge tone="danger" className="mt-1" title="Jobs detection flagged (e.g. IN_QUEUE while workers crash-loop with random_device)">
            {e.flaggedJobs} flagged job{e.flaggedJobs === 1 ? "" : "s"}
          </Badge>
        ) : null}
      </th>
      <td className="px-4 py-3">
        {e.type === "LOAD_BALANCER" ? (
          <Badge tone="neutral" title="No job queue: listed, not polled">load balancer</Badge>
        ) : e.missingSince ? (
          <Badge tone="danger" title="RunPod answers 404: deleted or mistyped endpoint">missing</Badge>
        ) : e.paused ? (
          <Badge tone="neutral">paused</Badge>
        ) : (
          <Badge tone="success" dot>active</Badge>
        )}
        <div className="mt-1 text-xs text-muted" suppressHydrationWarning>
          {age === null ? "no snapshot yet" : `data ${formatDuration(age)} old`}
          {age !== null && age > STALE_SNAPSHOT_SECONDS && !e.paused ? <span className="ml-1 text-amber-700 dark:text-amber-300">(stale)</span> : null}
        </div>
      </td>
      <td className="px-4 py-3">
        <QueueDepthSparkline points={e.queueSparkline} now={now} />
        {e.latestSnapshot ? <div className="mt-0.5 text-xs text-muted">now {formatCounter(e.latestSnapshot.jobs.inQueue)} in queue</div> : null}
      </td>
      <td className="px-4 py-3">
        <CountBadges items={jobs} tone={jobTone} empty="none tracked" />
      </td>
      <td className="px-4 py-3">
        <CountBadges items={workers} tone={workerTone} empty="none listed" />
      </td>
      <td className="max-w-xs px-4 py-3 text-xs text-muted">
        {e.lastError ? (
          <span title={e.lastError} className="line-clamp-2 break-words">
            {e.lastError}
          </span>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

export function CountBadges({ items, tone, empty }: { items: { key: string; count: number }[]; tone: (k: string) => import("@/components/ui/badge").BadgeTone; empty: string }) {
  if (!items.length) return <span className="text-xs text-faint">{empty}</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {items.map((i) => (
        <li key={i.key}>
          <Badge tone={tone(i.key)}>
            <span className="tabular-nums">{i.count}</span> {statusLabel(i.key)}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
