"use client";

import { useQueries } from "@tanstack/react-query";
import { endpointCostQueryOptions } from "@/lib/damage/client/queries";
import { formatGpuTime, formatUsd } from "@/lib/format/cost";

const WEEK_HOURS = 168;

/** The report's cost line: GPU time wasted by crashing or idle workers over 7 days, on the endpoints in view. */
export function CriteriaCost({ endpointIds }: { endpointIds: string[] }) {
  const results = useQueries({ queries: endpointIds.map((id) => endpointCostQueryOptions(id, WEEK_HOURS)) });
  if (endpointIds.length === 0) return null;
  const loaded = results.flatMap((r) => (r.data ? [r.data] : []));
  const failed = results.filter((r) => r.isError).length;
  if (loaded.length === 0) {
    return <p className="text-sm text-muted" aria-label="Cost of failure">{failed ? "Cost of failure: unknown (the cost could not be loaded)." : "Cost of failure: loading…"}</p>;
  }
  const gpu = loaded.reduce((a, c) => a + c.wastedGpuSeconds, 0);
  const usd = loaded.reduce((a, c) => a + c.estimatedUsd, 0);
  const missing = endpointIds.length - loaded.length;
  return (
    <p className="text-sm text-muted" aria-label="Cost of failure">
      Cost of failure, last 7 days: <span className="font-mono text-fg">{formatGpuTime(gpu)}</span> of GPU time on workers that crashed or never took a job, about{" "}
      <span className="font-mono text-fg">{formatUsd(usd)}</span> (estimate from the GPU price table, as of {loaded[0].estimate.asOf})
      {missing ? `; ${missing} endpoint${missing === 1 ? "" : "s"} not counted (cost unavailable)` : ""}.
    </p>
  );
}
