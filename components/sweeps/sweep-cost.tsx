"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { SweepCostDtoSchema, type SweepCostDto } from "@/lib/api/specs/damage";
import { damageKeys, sweepCostQueryOptions } from "@/lib/damage/client/queries";
import { sweepKeys } from "@/lib/sweeps/client/queries";
import { sendJson } from "@/lib/queries/send-json";
import { formatGpuTime, formatUsd } from "@/lib/format/cost";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";

/** GPU time and money of a sweep's trials (useful vs wasted), the endpoint's crash waste meanwhile, and the budget. */
export function SweepCost({ sweepId, live }: { sweepId: string; live: boolean }) {
  const cost = useQuery(sweepCostQueryOptions(sweepId, live));
  return (
    <CardSection id="sweep-cost-h" title="GPU time and cost (estimate)">
      <CardBody className="space-y-3 text-sm">
        {cost.isPending ? <p className="text-muted">Loading GPU time…</p> : null}
        {cost.isError ? <p role="alert">GPU time unavailable: {cost.error.message}</p> : null}
        {cost.data ? <CostFigures cost={cost.data} /> : null}
        {cost.data ? <BudgetForm key={`${cost.data.budget.gpuSeconds}:${cost.data.budget.usd}`} cost={cost.data} /> : null}
      </CardBody>
    </CardSection>
  );
}

function CostFigures({ cost }: { cost: SweepCostDto }) {
  const t = cost.trials;
  const row = (label: string, f: SweepCostDto["trials"]["useful"], note: string) => (
    <tr>
      <th scope="row" className="py-1 pr-3 text-left font-medium">{label}</th>
      <td className="py-1 pr-3 font-mono tabular-nums">{formatGpuTime(f.gpuSeconds)}</td>
      <td className="py-1 pr-3 font-mono tabular-nums">{formatUsd(f.estimatedUsd)}</td>
      <td className="py-1 text-xs text-muted">{note}</td>
    </tr>
  );
  const unpriced = t.total.unpricedGpuSeconds;
  return (
    <div className="space-y-2">
      <div className="max-w-full overflow-x-auto">
        <table aria-label="GPU time of the sweep's trials" className="text-left">
          <thead className="sr-only">
            <tr>
              <th>Kind</th>
              <th>GPU time</th>
              <th>Estimated cost</th>
              <th>What it counts</th>
            </tr>
          </thead>
          <tbody>
            {row("Useful", t.useful, "trials that completed")}
            {row("Wasted", t.wasted, "trials that started, then failed, were stopped or cancelled")}
            {t.running.gpuSeconds > 0 ? row("Running", t.running, "trials on a worker now, up to this minute") : null}
            {row("Total", t.total, `${t.attemptsCounted} attempt${t.attemptsCounted === 1 ? "" : "s"} that a worker started; what a budget counts`)}
          </tbody>
        </table>
      </div>
      {cost.endpointWaste ? (
        <p className="text-xs text-muted">
          Meanwhile the endpoint&apos;s workers that crashed or never took a job used {formatGpuTime(cost.endpointWaste.wastedGpuSeconds)} (about {formatUsd(cost.endpointWaste.estimatedUsd)}) while this sweep
          {cost.endpointWaste.running ? " runs" : " ran"}; that waste is the endpoint&apos;s, shared with anything else it served.
        </p>
      ) : null}
      <p className="text-xs text-muted">
        Estimate from {cost.pricesOrigin === "default" ? "the default" : "the admin-edited"} price table ({cost.estimate.source}, as of {cost.estimate.asOf}, flex tier)
        {unpriced > 0 ? `; ${formatGpuTime(unpriced)} ran on GPU types without a price and are not in the money figures` : ""}.
      </p>
    </div>
  );
}

function BudgetForm({ cost }: { cost: SweepCostDto }) {
  const uid = useId();
  const queryClient = useQueryClient();
  const [gpuHours, setGpuHours] = useState(cost.budget.gpuSeconds === null ? "" : String(+(cost.budget.gpuSeconds / 3600).toFixed(4)));
  const [usd, setUsd] = useState(cost.budget.usd === null ? "" : String(cost.budget.usd));
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: { gpuHours: number | null; usd: number | null }) => sendJson("PUT", `/api/sweeps/${encodeURIComponent(cost.sweepId)}/budget`, body, SweepCostDtoSchema),
    onMutate: () => setError(null),
    onSuccess: (dto) => {
      queryClient.setQueryData(damageKeys.sweepCost(cost.sweepId), dto);
      void queryClient.invalidateQueries({ queryKey: sweepKeys.detail(cost.sweepId) });
    },
    onError: (err) => setError(err instanceof Error ? err.message : "The budget was not saved."),
  });
  const parse = (v: string, what: string): number | null | Error => {
    if (v.trim() === "") return null;
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : new Error(`${what} must be a number above 0, or empty for no limit.`);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const g = parse(gpuHours, "GPU-hours");
    const u = parse(usd, "The money budget");
    const bad = [g, u].find((x) => x instanceof Error);
    if (bad instanceof Error) return setError(bad.message);
    save.mutate({ gpuHours: g as number | null, usd: u as number | null });
  };
  const b = cost.budget;
  const none = b.gpuSeconds === null && b.usd === null;
  return (
    <form onSubmit={onSubmit} aria-label="Sweep budget" className="space-y-2 border-t border-line pt-3">
      <p>
        <span className="font-medium">Budget: </span>
        {none
          ? "none — the sweep runs until its run_cap or search space ends."
          : b.reached
            ? <span className="text-red-700 dark:text-red-300">{b.reached}; the sweep pauses and starts no new trials.</span>
            : `${[b.gpuSeconds !== null ? formatGpuTime(b.gpuSeconds) : null, b.usd !== null ? formatUsd(b.usd) : null].filter(Boolean).join(" or ")}; reaching either pauses the sweep.`}
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs" htmlFor={`${uid}-gpu`}>
          GPU-hours
          <input id={`${uid}-gpu`} inputMode="decimal" value={gpuHours} onChange={(e) => setGpuHours(e.target.value)} placeholder="no limit" className="mt-1 block w-28 rounded border border-line bg-surface px-2 py-1 font-mono text-sm" />
        </label>
        <label className="text-xs" htmlFor={`${uid}-usd`}>
          USD (estimate)
          <input id={`${uid}-usd`} inputMode="decimal" value={usd} onChange={(e) => setUsd(e.target.value)} placeholder="no limit" className="mt-1 block w-28 rounded border border-line bg-surface px-2 py-1 font-mono text-sm" />
        </label>
        <Button type="submit" size="sm" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save budget"}
        </Button>
      </div>
      {error ? <p role="alert" className="text-xs text-red-700 dark:text-red-300">{error}</p> : null}
      {b.reached ? <p className="text-xs text-muted">A sweep paused at its budget resumes only after the budget is raised or cleared.</p> : null}
    </form>
  );
}
