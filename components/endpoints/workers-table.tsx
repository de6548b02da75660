"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useNow } from "@/components/hooks/use-now";
import { workersQueryOptions } from "@/lib/endpoints/client/queries";
import { formatUtcTime, timeAgo } from "@/lib/format/time";
import { formatExit, formatRestarts, workerTone } from "./format";
import { FirstLoad, StaleBadge } from "./stale-badge";

export function WorkersTable({ endpointId, onShowLogs }: { endpointId: string; onShowLogs: (workerId: string) => void }) {
  const q = useQuery(workersQueryOptions(endpointId));
  const clock = useNow();
  const now = clock ?? (q.data ? Date.parse(q.data.generatedAt) : 0);
  const workers = q.data?.workers;
  return (
    <CardSection
      id="workers-heading"
      title="Workers"
      description="Current workers first, then gone ones (their logs are kept). Restarts: count and time of the last one."
      actions={<StaleBadge isError={q.isError} dataUpdatedAt={q.dataUpdatedAt} error={q.error} />}
    >
      {!workers ? <FirstLoad what="workers" isError={q.isError} error={q.error} /> : workers.length === 0 ? (
        <EmptyState title="No workers seen yet" headingLevel={3} size="sm">
          <p>The poller lists workers every 15 s; an endpoint scaled to zero has none.</p>
        </EmptyState>
      ) : (
        <DataTable divided columns={["Worker", "State", "Restarts", "Last exit", "Image", "Started", { label: "Logs", srOnly: true }]}>
          {workers.map((w) => (
            <tr key={w.id} className={w.goneAt ? "text-muted" : undefined}>
              <th scope="row" className="px-4 py-2 text-left font-mono text-xs font-normal">{w.id}</th>
              <td className="px-4 py-2">
                {w.goneAt ? (
                  <Badge tone="neutral" title={`last ${w.status}`}>gone</Badge>
                ) : (
                  <Badge tone={workerTone(w.status)} dot pulse={w.status === "UNHEALTHY"}>
                    {w.status.toLowerCase()}
                  </Badge>
                )}
              </td>
              <td className="px-4 py-2 tabular-nums" suppressHydrationWarning>
                {formatRestarts(w.restartCount, w.lastRestartAt, now)}
              </td>
              <td className="px-4 py-2" title={w.lastExit ? formatUtcTime(w.lastExit.at) : undefined}>
                {formatExit(w.lastExit)}
              </td>
              <td className="max-w-56 truncate px-4 py-2 font-mono text-xs" title={w.image ?? undefined}>
                {w.image ?? "—"}
              </td>
              <td className="px-4 py-2 text-xs" title={w.startedAt ? formatUtcTime(w.startedAt) : undefined} suppressHydrationWarning>
                {timeAgo(w.startedAt, now)}
              </td>
              <td className="px-4 py-2 text-right">
                {w.hasLogs ? (
                  <button type="button" className="text-xs font-medium text-accent hover:underline" onClick={() => onShowLogs(w.id)} aria-label={`Show logs of ${w.id}`}>
                    logs
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </CardSection>
  );
}
