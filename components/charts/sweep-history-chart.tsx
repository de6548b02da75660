"use client";

import { CartesianGrid, ComposedChart, Line, ReferenceLine, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import type { HistoryChartData } from "@/lib/charts/sweeps";
import { formatTick } from "@/lib/charts/sweeps";
import { AXIS_TICK, GRID_STROKE, SweepChartEmpty, TOOLTIP_STYLE } from "./sweep-chart-frame";

/** Optimisation history: each (bucket of) completed trial(s) as a dot, best-so-far as a step line. */
export function SweepHistoryChart({ data, metricName, target }: { data: HistoryChartData; metricName: string; target: number | null }) {
  if (data.points.length === 0 || !data.domain) {
    return <SweepChartEmpty>No completed trial yet: each finished trial adds a point, and the best-so-far line follows.</SweepChartEmpty>;
  }
  return (
    <figure aria-label={`Optimisation history of ${metricName}: best so far ${formatTick(data.best ?? Number.NaN)} after ${data.trials} trials`}>
      <ComposedChart responsive style={{ width: "100%", height: 260 }} data={data.points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis dataKey="number" type="number" domain={["dataMin", "dataMax"]} tick={AXIS_TICK} tickLine={false} allowDecimals={false} name="trial" />
        <YAxis
          type="number"
          domain={data.domain}
          ticks={data.ticks.length ? data.ticks : undefined}
          tick={AXIS_TICK}
          tickLine={false}
          width={56}
          tickFormatter={(v: number) => formatTick(v)}
          allowDataOverflow
        />
        <Tooltip
          isAnimationActive={false}
          formatter={(v, name) => [typeof v === "number" ? formatTick(v) : String(v), name === "best" ? "best so far" : metricName]}
          labelFormatter={(l) => `trial ${l}`}
          contentStyle={TOOLTIP_STYLE}
        />
        {target !== null ? <ReferenceLine y={target} stroke="#f59e0b" strokeDasharray="4 4" label={{ value: "target", fill: "#b45309", fontSize: 11, position: "insideTopRight" }} /> : null}
        <Scatter dataKey="value" name={metricName} fill="var(--sw-faint)" fillOpacity={0.7} isAnimationActive={false} />
        <Line dataKey="best" name="best" type="stepAfter" stroke="var(--sw-accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
      <figcaption className="mt-1 text-xs text-muted">
        {data.trials.toLocaleString("en-US")} completed trials{data.aggregated ? "; each dot is the best of a bucket of trials" : ""}. Line: best so far.
      </figcaption>
    </figure>
  );
}
