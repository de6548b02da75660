import type { ReactNode } from "react";
import { formatUtcTick, formatUtcTime } from "@/lib/format/time";

/** What a sweep chart shows instead of a blank box: why there is nothing to draw yet. */
export function SweepChartEmpty({ children, height = 220 }: { children: ReactNode; height?: number }) {
  return (
    <div className="flex items-center justify-center rounded-md border border-dashed border-line px-6 text-center text-sm text-muted" style={{ height }}>
      <p className="max-w-sm">{children}</p>
    </div>
  );
}

/** Colours of trial states, the same in every sweep chart and legend. */
export const STATE_COLOURS = {
  queued: "#38bdf8",
  running: "var(--sw-accent)",
  completed: "#10b981",
  failed: "#ef4444",
  stopped: "#a1a1aa",
  cancelled: "#71717a",
} as const;

export const AXIS_TICK = { fill: "var(--sw-muted)", fontSize: 11 } as const;
export const GRID_STROKE = "var(--sw-line)";
export const TOOLTIP_STYLE = { background: "var(--sw-surface)", border: "1px solid var(--sw-line)", fontSize: 12 } as const;

/** The x axis of a chart over time (rows keyed by `t`, epoch ms): ticks read "14:03" in UTC. */
export const TIME_AXIS = {
  dataKey: "t",
  type: "number",
  scale: "time",
  tick: AXIS_TICK,
  tickLine: false,
  tickFormatter: (t: number) => formatUtcTick(t, "minute"),
} as const;

/** A tooltip's heading on a chart over time: "2026-12-05 14:03:47 UTC". */
export const timeLabel = (l: unknown) => formatUtcTime(Number(l));
