"use client";

import { useQuery } from "@tanstack/react-query";
import { endpointCostQueryOptions } from "@/lib/damage/client/queries";
import { formatGpuTime, formatUsd } from "@/lib/format/cost";
import { formatUtcTime } from "@/lib/format/time";
import { CardBody, CardSection } from "@/components/ui/card";

/** The endpoint's cost of failure over the last 24 h: workers that crashed or never took a job. */
export function EndpointCost({ id }: { id: string }) {
  const q = useQuery(endpointCostQueryOptions(id, 24));
  const c = q.data;
  const crashed = c?.workers.filter((w) => w.reason === "crashed").length ?? 0;
  const idle = c ? c.workers.length - crashed : 0;
  return (
    <CardSection id="endpoint-cost-h" title="Cost of failure, last 24 h (estimate)">
      <CardBody className="space-y-1 text-sm">
        {q.isPending ? <p className="text-muted">Loading…</p> : null}
        {q.isError ? <p role="alert">Cost unavailable: {q.error.message}</p> : null}
        {c ? (
          c.workers.length === 0 ? (
            <p>
              No GPU time wasted: no worker crashed or sat without a job in the last 24 h
              {c.evidenceAt ? ` (worker list as of ${formatUtcTime(c.evidenceAt)})` : " — but no poll has listed the workers yet, so this is unknown"}.
            </p>
          ) : (
            <>
              <p>
                <span className="font-mono tabular-nums">{formatGpuTime(c.wastedGpuSeconds)}</span> wasted, about{" "}
                <span className="font-mono tabular-nums">{formatUsd(c.estimatedUsd)}</span>: {crashed} worker{crashed === 1 ? "" : "s"} that crashed
                {idle ? `, ${idle} that never took a job` : ""}.
              </p>
              <p className="text-xs text-muted">
                Estimate from {c.pricesOrigin === "default" ? "the default" : "the admin-edited"} price table ({c.estimate.source}, as of {c.estimate.asOf}, flex tier)
                {c.unpricedGpuSeconds > 0 ? `; ${formatGpuTime(c.unpricedGpuSeconds)} on GPU types without a price` : ""}. Worker list as of{" "}
                {c.evidenceAt ? formatUtcTime(c.evidenceAt) : "no poll yet (unknown)"}.
              </p>
            </>
          )
        ) : null}
      </CardBody>
    </CardSection>
  );
}
