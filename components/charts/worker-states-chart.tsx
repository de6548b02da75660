"use client";

import { Area, AreaChart, CartesianGrid, Legend, ReferenceArea, Tooltip, XAxis, YAxis } from "recharts";
import { workerStatesEmptyText, type WorkerStateChart, type WorkerStateKey } from "@/lib/charts/endpoints";
import { AXIS_TICK, GRID_STROKE, SweepChartEmpty, TIME_AXIS, timeLabel, TOOLTIP_STYLE } from "./sweep-chart-frame";

export const WORKER_STATE_COLOURS: Record<WorkerStateKey, string> = {
  running: "#10b981",
  idle: "#38bdf8",
  initializing: "#a78bfa",
  throttled: "#f59e0b",
  unhealthy: "#ef4444",
};

/** Workers by state over time, stacked; unhealthy on top so a crash loop stands out. */
export function WorkerStatesChart({ data, height = 220 }: { data: WorkerStateChart; height?: number }) {
  const empty = workerStatesEmptyText(data);
  if (empty) return <SweepChartEmpty height={height}>{empty}</SweepChartEmpty>;
  return (
    <figure aria-label={`Workers by state over time${data.maxUnhealthy ? `; up to ${data.maxUnhealthy} unhealthy` : ""}`}>
      <AreaChart responsive style={{ width: "100%", height }} data={data.rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" />
        <XAxis {...TIME_AXIS} domain={data.domain} />
        <YAxis tick={AXIS_TICK} tickLine={false} width={40} allowDecimals={false} />
        {data.downsampledSpans.map((s) => (
          <ReferenceArea key={s.from} x1={s.from} x2={s.to} fill="var(--sw-subtle)" fillOpacity={0.8} ifOverflow="hidden" />
        ))}
        <Tooltip isAnimationActive={false} labelFormatter={timeLabel} contentStyle={TOOLTIP_STYLE} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {data.presentKeys.map((k) => (
          <Area key={k} dataKey={k} name={k} stackId="w" type="stepAfter" stroke={WORKER_STATE_COLOURS[k]} fill={WORKER_STATE_COLOURS[k]} fillOpacity={0.35} isAnimationActive={false} connectNulls={false} />
        ))}
      </AreaChart>
      <figcaption className="mt-1 text-xs text-muted">
        Average workers per state per window (unhealthy: peak). Times in UTC.{data.downsampledSpans.length ? " Shaded: downsampled." : ""}
        {data.notReported.length ? ` Not reported by RunPod's /health: ${data.notReported.join(", ")}.` : ""}
      </figcaption>
    </figure>
  );
}
