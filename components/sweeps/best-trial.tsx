import type { BestTrialDto } from "@/lib/api/specs/sweeps";
import { Button } from "@/components/ui/button";
import { formatUtcTime } from "@/lib/format/time";
import { formatMetric, formatParam, paramAt } from "./format";
import { JobLink, WorkerText } from "./trial-links";

/** The best trial so far: its value, parameters, job and worker. */
export function BestTrial({
  best,
  metricName,
  goal,
  paramNames,
  endpointId,
  onOpen,
}: {
  best: BestTrialDto | null;
  metricName: string;
  goal: "minimize" | "maximize";
  paramNames: string[];
  endpointId: string;
  onOpen: (id: string) => void;
}) {
  if (!best) return <p className="px-4 py-6 text-sm text-muted">No completed trial with a {metricName} value yet. The best one shows here as soon as one finishes.</p>;
  const names = paramNames.length ? paramNames : Object.keys(best.params);
  return (
    <div className="grid gap-4 p-4 md:grid-cols-[minmax(0,14rem)_minmax(0,1fr)]">
      <div className="space-y-2">
        <p className="text-xs text-muted">
          {goal === "minimize" ? "Lowest" : "Highest"} <span className="font-mono">{metricName}</span>
        </p>
        <p className="font-mono text-2xl font-semibold tabular-nums" data-testid="best-value">
          {formatMetric(best.value)}
        </p>
        <dl className="space-y-1 text-xs">
          <div className="flex gap-2">
            <dt className="w-14 text-muted">Trial</dt>
            <dd className="font-mono">#{best.number}</dd>
          </div>
          <div className="flex gap-2">
            <dt className="w-14 text-muted">Job</dt>
            <dd className="min-w-0 truncate">
              <JobLink endpointId={endpointId} jobId={best.jobId} />
            </dd>
          </div>
          <div className="flex gap-2">
            <dt className="w-14 text-muted">Worker</dt>
            <dd className="min-w-0 truncate">
              <WorkerText workerId={best.workerId} />
            </dd>
          </div>
          <div className="flex gap-2">
            <dt className="w-14 text-muted">Finished</dt>
            <dd>{formatUtcTime(best.finishedAt)}</dd>
          </div>
        </dl>
        <Button size="sm" onClick={() => onOpen(best.id)}>
          Open best trial
        </Button>
      </div>
      <div className="min-w-0">
        <p className="mb-1 text-xs text-muted">Parameters</p>
        <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
          {names.map((n) => (
            <div key={n} className="contents">
              <dt className="truncate font-mono text-xs text-muted">{n}</dt>
              <dd className="truncate font-mono text-xs">{formatParam(paramAt(best.params, n))}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
