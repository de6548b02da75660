"use client";

import dynamic from "next/dynamic";
import { memo, useCallback, useEffect, useMemo, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import type { SweepAnalysisDto, SweepDetailDto } from "@/lib/api/specs/sweeps";
import { prepareHistory, prepareImportance, prepareParallel, prepareSlices, prepareTimeline, roundRangeOutward } from "@/lib/charts/sweeps";
import { sweepAnalysisQueryOptions, sweepQueryOptions } from "@/lib/sweeps/client/queries";
import { useNow } from "@/components/hooks/use-now";
import { Card, CardSection } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { ANALYSIS_POINTS, LIVE_SWEEP_STATES } from "./sweep-page-options";
import { useTrialSearchParams } from "./use-trial-search-params";

// Charts measure the browser's layout: client-only, with a placeholder of the same height.
function ChartPlaceholder({ height }: { height: number }) {
  return <div aria-hidden className="w-full rounded-md bg-subtle motion-safe:animate-pulse" style={{ height }} />;
}
// memo: a re-render of this card (URL change, clock) must not redraw charts whose data did not change.
const SweepHistoryChart = dynamic(() => import("@/components/charts/sweep-history-chart").then((m) => memo(m.SweepHistoryChart)), {
  ssr: false,
  loading: () => <ChartPlaceholder height={260} />,
});
const SweepParallelChart = dynamic(() => import("@/components/charts/sweep-parallel-chart").then((m) => memo(m.SweepParallelChart)), {
  ssr: false,
  loading: () => <ChartPlaceholder height={300} />,
});
const SweepImportanceChart = dynamic(() => import("@/components/charts/sweep-importance-chart").then((m) => memo(m.SweepImportanceChart)), {
  ssr: false,
  loading: () => <ChartPlaceholder height={160} />,
});
const SweepSliceChart = dynamic(() => import("@/components/charts/sweep-slice-chart").then((m) => memo(m.SweepSliceChart)), {
  ssr: false,
  loading: () => <ChartPlaceholder height={200} />,
});
const SweepTimelineChart = dynamic(() => import("@/components/charts/sweep-timeline-chart").then((m) => memo(m.SweepTimelineChart)), {
  ssr: false,
  loading: () => <ChartPlaceholder height={160} />,
});

const MAX_SLICES = 12;

/**
 * History, parallel coordinates, importance, slices and timeline, from one /analysis answer.
 * The server page streams it in its own Suspense boundary (prefetched, then hydrated), so the
 * table above never waits for it; a brush on the metric axis filters the table through the URL.
 */
export function SweepAnalysis({ id }: { id: string }) {
  // Only what the charts need: the sweep's ETA and counts change on every poll, these rarely do.
  const { data: sweep } = useQuery({ ...sweepQueryOptions(id), select: pickChartFields });
  if (!sweep) return null;
  return <SweepAnalysisView sweep={sweep} />;
}

type ChartSweep = Pick<SweepDetailDto, "id" | "metric" | "state"> & { completed: number };
const pickChartFields = (s: SweepDetailDto): ChartSweep => ({ id: s.id, metric: s.metric, state: s.state, completed: s.progress.completed });

function SweepAnalysisView({ sweep }: { sweep: ChartSweep }) {
  const live = LIVE_SWEEP_STATES.includes(sweep.state);
  const [, setParams] = useTrialSearchParams();
  const onMetricRange = useCallback(
    (r: [number, number] | null) =>
      setParams(r ? { ...toRange(roundRangeOutward(r)), cursor: undefined } : { valueMin: undefined, valueMax: undefined, cursor: undefined }, { replace: true }),
    [setParams],
  );
  const q = useQuery(sweepAnalysisQueryOptions(sweep.id, ANALYSIS_POINTS, { live }));
  const a = q.data;
  // The analysis polls slowly; when the (fast-polled) sweep reports more completed trials, or the
  // sweep just ended, catch up — at most every 10 s while it runs, so big sweeps stay cheap.
  const { refetch, dataUpdatedAt, isFetching } = q;
  const behind = a !== undefined && a.completedTrials !== sweep.completed;
  const askedFor = useRef<number | null>(null); // once per new count, even if the counts never agree
  useEffect(() => {
    if (!behind || isFetching || askedFor.current === sweep.completed) return;
    const wait = live ? Math.max(0, 10_000 - (Date.now() - dataUpdatedAt)) : 0;
    const t = setTimeout(() => {
      askedFor.current = sweep.completed;
      void refetch();
    }, wait);
    return () => clearTimeout(t);
  }, [behind, isFetching, live, dataUpdatedAt, refetch, sweep.completed]);
  const goal = sweep.metric.goal;
  const history = useMemo(() => (a ? prepareHistory(a.history, goal) : null), [a, goal]);
  const parallel = useMemo(() => (a ? prepareParallel(a.parallel, { name: sweep.metric.name, goal }) : null), [a, goal, sweep.metric.name]);
  const importance = useMemo(() => (a ? prepareImportance(a.importance) : []), [a]);
  const slices = useMemo(() => (a ? prepareSlices(a.slices, a.parallel.dimensions, goal, 400) : []), [a, goal]);
  const sampleNote = a && a.sampledTrials < a.completedTrials ? ` An even sample of ${a.sampledTrials.toLocaleString("en-US")} of ${a.completedTrials.toLocaleString("en-US")} completed trials (the best ones always included).` : "";

  if (!a) {
    return (
      <Card className="p-4" aria-busy={!q.isError}>
        {q.isError ? <p className="text-sm text-muted">The analysis could not be loaded: {q.error instanceof Error ? q.error.message : "unknown error"}.</p> : <Skeleton className="h-64 w-full" />}
      </Card>
    );
  }
  if (a.completedTrials === 0) {
    // Nothing to chart yet: one compact card instead of five empty boxes, plus the timeline (queued trials show there).
    return (
      <CardSection
        id="sweep-analysis-empty"
        title="Analysis"
        description="Optimisation history, parallel coordinates, parameter importance and slice plots appear once trials complete."
      >
        <div className="p-4">
          <p className="mb-2 text-xs font-medium text-muted">Trial timeline</p>
          <LiveTimeline items={a.timeline.items} truncated={a.timeline.truncated} />
        </div>
      </CardSection>
    );
  }
  return (
    <div className="space-y-6">
      {q.isError ? (
        <p role="status" className="rounded bg-amber-50 px-3 py-1.5 text-xs text-amber-800 dark:bg-amber-400/10 dark:text-amber-300">
          The charts show the last analysis loaded; the latest refresh failed.
        </p>
      ) : null}
      <CardSection id="sweep-history" title="Optimisation history" description={`${sweep.metric.name} of each completed trial, and the best so far (${goal}).`}>
        <div className="p-4">{history ? <SweepHistoryChart data={history} metricName={sweep.metric.name} target={sweep.metric.target} /> : null}</div>
      </CardSection>
      <CardSection id="sweep-parallel" title="Parallel coordinates" description={`Each line is a completed trial.${sampleNote} Brush the ${sweep.metric.name} axis to filter the trial table.`}>
        <div className="p-4">{parallel ? <SweepParallelChart data={parallel} metricName={sweep.metric.name} onMetricRange={onMetricRange} /> : null}</div>
      </CardSection>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <CardSection id="sweep-importance" title="Parameter importance" description="Permutation importance on a random forest, as Optuna and W&B rank parameters.">
          <div className="p-4">
            <SweepImportanceChart bars={importance} sampled={a.sampledTrials} />
          </div>
        </CardSection>
        <CardSection id="sweep-timeline" title="Trial timeline" description="From start (or submission, while queued) to end, by state.">
          <div className="p-4">
            <LiveTimeline items={a.timeline.items} truncated={a.timeline.truncated} />
          </div>
        </CardSection>
      </div>
      <CardSection id="sweep-slices" title="Slice plots" description={`${sweep.metric.name} against each parameter; the star is the best trial.`}>
        <div className="grid gap-4 p-4 sm:grid-cols-2 xl:grid-cols-3">
          {slices.length === 0 ? <p className="text-sm text-muted">Slice plots appear once trials complete.</p> : null}
          {slices.slice(0, MAX_SLICES).map((s) => (
            <SweepSliceChart key={s.param} slice={s} metricName={sweep.metric.name} />
          ))}
        </div>
        {slices.length > MAX_SLICES ? <p className="px-4 pb-3 text-xs text-muted">Showing {MAX_SLICES} of {slices.length} parameters.</p> : null}
      </CardSection>
    </div>
  );
}

/** Open bars grow with the clock: only this card re-renders every second, not the other charts. */
function LiveTimeline({ items, truncated }: { items: SweepAnalysisDto["timeline"]["items"]; truncated: boolean }) {
  const now = useNow();
  const hasOpen = items.some((t) => t.finishedAt === null && (t.startedAt ?? t.submittedAt) !== null);
  // Server render and hydration must agree, so until the clock runs open bars end at the newest
  // timestamp of the (hydrated) analysis itself, never at something fetched separately.
  const newest = useMemo(() => latestTimestamp(items), [items]);
  const end = hasOpen && now !== null ? Math.max(newest, Math.floor(now / 5000) * 5000) : newest;
  const data = useMemo(() => prepareTimeline(items, end), [items, end]);
  return <SweepTimelineChart data={data} truncated={truncated} />;
}

function latestTimestamp(items: SweepAnalysisDto["timeline"]["items"]): number {
  let max = 0;
  for (const t of items) for (const v of [t.submittedAt, t.startedAt, t.finishedAt]) if (v) max = Math.max(max, Date.parse(v));
  return max;
}

const toRange = ([valueMin, valueMax]: [number, number]) => ({ valueMin, valueMax });
