"use client";

import { CartesianGrid, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatTick, type SliceData } from "@/lib/charts/sweeps";
import { AXIS_TICK, GRID_STROKE, SweepChartEmpty, TOOLTIP_STYLE } from "./sweep-chart-frame";

/** One slice plot: the metric against one parameter; the best trial highlighted. */
export function SweepSliceChart({ slice, metricName }: { slice: SliceData; metricName: string }) {
  const title = `${metricName} by ${slice.param}`;
  if (slice.points.length === 0 || !slice.xDomain) return <SweepChartEmpty height={180}>No completed trial has a value for {slice.param} yet.</SweepChartEmpty>;
  const cats = slice.categories;
  const rest = slice.points.filter((p) => !p.best);
  const best = slice.points.filter((p) => p.best);
  return (
    <figure aria-label={title}>
      <figcaption className="mb-1 truncate font-mono text-xs text-muted">{slice.param}</figcaption>
      <ScatterChart responsive style={{ width: "100%", height: 180 }} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          name={slice.param}
          domain={slice.xDomain}
          scale={slice.log ? "log" : "auto"}
          ticks={cats ? cats.map((_, i) => i) : undefined}
          tickFormatter={(v: number) => (cats ? (cats[v] ?? "") : formatTick(v))}
          tick={AXIS_TICK}
          tickLine={false}
          allowDataOverflow
        />
        <YAxis type="number" dataKey="y" name={metricName} domain={["auto", "auto"]} tick={AXIS_TICK} tickLine={false} width={48} tickFormatter={(v: number) => formatTick(v)} />
        <Tooltip
          isAnimationActive={false}
          formatter={(v, n) => [n === slice.param && cats ? (cats[Number(v)] ?? String(v)) : typeof v === "number" ? formatTick(v) : String(v), n]}
          contentStyle={TOOLTIP_STYLE}
        />
        <Scatter data={rest} fill="var(--sw-accent)" fillOpacity={0.45} isAnimationActive={false} />
        <Scatter data={best} fill="#f59e0b" shape="star" isAnimationActive={false} />
      </ScatterChart>
    </figure>
  );
}
