import type { ReactNode } from "react";

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
