"use client";

import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, Tooltip, XAxis, YAxis } from "recharts";
import type { QueueDepthChart as QueueDepthChartData } from "@/lib/charts/endpoints";
import { AXIS_TICK, GRID_STROKE, SweepChartEmpty, TIME_AXIS, timeLabel, TOOLTIP_STYLE } from "./sweep-chart-frame";

/** Queue depth (average and peak per window) and jobs in progress; downsampled stretches shaded. */
export function QueueDepthChart({ data, height = 220 }: { data: QueueDepthChartData; height?: number }) {
  if (data.isEmpty) {
    return <SweepChartEmpty height={height}>No health snapshots in this range. The poller records one every 10 s while it runs and the endpoint is not paused.</SweepChartEmpty>;
  }
  return (
    <figure aria-label="Queue depth over time">
      <ComposedChart responsive style={{ width: "100%", height }} data={data.rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis {...TIME_AXIS} domain={data.domain} />
        <YAxis tick={AXIS_TICK} tickLine={false} width={40} allowDecimals={false} domain={[0, data.yMax]} />
        {data.downsampledSpans.map((s) => (
          <ReferenceArea key={s.from} x1={s.from} x2={s.to} fill="var(--sw-subtle)" fillOpacity={0.8} ifOverflow="hidden" />
        ))}
        <Tooltip isAnimationActive={false} labelFormatter={timeLabel} contentStyle={TOOLTIP_STYLE} />
        <Area dataKey="inQueueMax" name="in queue (peak)" stroke="none" fill="var(--sw-accent)" fillOpacity={0.12} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="inQueue" name="in queue (avg)" stroke="var(--sw-accent)" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="inProgress" name="in progress" stroke="#10b981" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </ComposedChart>
      <figcaption className="mt-1 text-xs text-muted">
        Line: average jobs in queue per window; band: peak; green: jobs in progress. Times in UTC.
        {data.downsampledSpans.length ? " Shaded: downsampled (raw snapshots past retention, 1-minute buckets)." : ""}
      </figcaption>
    </figure>
  );
}
