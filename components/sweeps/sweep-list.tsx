"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { SweepSummaryDto } from "@/lib/api/specs/sweeps";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { SweepIcon } from "@/components/ui/icons";
import { CrashLoopBadge, SweepStateBadge } from "./sweep-badges";
import { SweepProgressBar } from "./sweep-progress-bar";
import { formatUtcTime } from "@/lib/format/time";
import { formatMetric } from "./format";
import { sweepListQueryOptions } from "@/lib/sweeps/client/queries";
import { SWEEP_LIST_PARAMS } from "./sweep-page-options";

/** Every sweep, newest first; polls while any sweep is live and patches rows in place (keyed by id). */
export function SweepList() {
  const { data, isError, error, dataUpdatedAt } = useQuery(sweepListQueryOptions(SWEEP_LIST_PARAMS));
  const sweeps = data?.sweeps ?? [];

  if (!data && isError) {
    return (
      <Card role="alert">
        <EmptyState title="Sweeps could not be loaded">
          <p>{error instanceof Error ? error.message : "The server did not answer."}</p>
        </EmptyState>
      </Card>
    );
  }

  if (sweeps.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={<SweepIcon size={20} />}
          title="No sweeps yet"
          actions={
            <ButtonLink href="/sweeps/new" variant="primary">
              New sweep
            </ButtonLink>
          }
        >
          <p>
            Create a sweep to run hyperparameter trials on one of your endpoints: paste a Weights &amp; Biases sweep config (YAML or JSON)
            or fill in the parameters, metric and trial budget. Each trial is one RunPod job.
          </p>
          <p>Trials, their results and the best run so far appear here while the sweep runs.</p>
        </EmptyState>
      </Card>
    );
  }

  return (
    <Card className="overflow-hidden">
      {isError ? (
        <p role="status" className="border-b border-line bg-amber-50 px-4 py-2 text-xs text-amber-800 dark:bg-amber-400/10 dark:text-amber-300">
          Showing the data from {formatUtcTime(dataUpdatedAt)}: the latest refresh failed.
        </p>
      ) : null}
      <DataTable
        divided
        caption="Sweeps, newest first"
        headClassName="bg-subtle/60"
        columns={["Sweep", "State", { label: "Progress", className: "w-64" }, { label: "Best so far", align: "right" }, "Endpoint"]}
      >
        {sweeps.map((s) => (
          <SweepRow key={s.id} sweep={s} />
        ))}
      </DataTable>
      {data?.nextCursor ? <p className="border-t border-line px-4 py-2 text-xs text-muted">Showing the newest {sweeps.length} sweeps.</p> : null}
    </Card>
  );
}

function SweepRow({ sweep: s }: { sweep: SweepSummaryDto }) {
  return (
    <tr className="align-top hover:bg-subtle/40">
      <td className="max-w-xs px-4 py-3">
        <Link href={`/sweeps/${encodeURIComponent(s.id)}`} className="block truncate font-medium text-fg hover:text-accent hover:underline">
          {s.name}
        </Link>
        <p className="mt-0.5 text-xs text-muted">
          {s.method} · {s.metric.goal} <span className="font-mono">{s.metric.name}</span> · {s.parallel} parallel
        </p>
      </td>
      <td className="px-4 py-3">
        <div className="flex flex-col items-start gap-1.5">
          <SweepStateBadge state={s.state} title={s.stateReason ?? undefined} />
          {s.flag ? <CrashLoopBadge flag={s.flag} endpointId={s.endpointId} /> : null}
        </div>
      </td>
      <td className="px-4 py-3">
        <SweepProgressBar progress={s.progress} label={`Progress of ${s.name}`} />
      </td>
      <td className="px-4 py-3 text-right font-mono tabular-nums">
        {s.bestValue === null ? <span className="text-faint">—</span> : formatMetric(s.bestValue)}
        {s.metric.target !== null ? <p className="text-xs text-muted">target {formatMetric(s.metric.target)}</p> : null}
      </td>
      <td className="px-4 py-3 text-xs">
        <Link href={`/endpoints/${encodeURIComponent(s.endpointId)}`} className="text-muted hover:text-accent hover:underline">
          {s.endpointName ?? s.endpointId}
        </Link>
        {s.state === "running" && s.progress.running === 0 && s.progress.queued > 0 ? (
          <p className="mt-1">
            <Badge tone="warning">trials queued, none running</Badge>
          </p>
        ) : null}
      </td>
    </tr>
  );
}
