"use client";

import { TIMELINE_STATE, type TimelineData, type TimelineState } from "@/lib/charts/sweeps";
import { TRIAL_STATUSES } from "@/lib/domain/sweep/states";
import { formatDurationMs, formatOffset, formatUtcClock } from "@/lib/format/time";
import { STATE_COLOURS, SweepChartEmpty } from "./sweep-chart-frame";

const W = 1000;
const LEFT = 8;
const RIGHT = 8;
const AXIS_H = 22;

/** The timeline's states in the order trials pass through them (stored statuses fold into these: lib/charts/sweeps.ts). */
const LEGEND: TimelineState[] = [...new Set(TRIAL_STATUSES.map((s) => TIMELINE_STATE[s]))];

/** Trial timeline: one bar per trial from start (or submission) to end, stacked in lanes by overlap. */
export function SweepTimelineChart({ data, truncated }: { data: TimelineData; truncated: boolean }) {
  if (!data.domain || data.bars.length === 0) return <SweepChartEmpty height={140}>No trial has been submitted yet.</SweepChartEmpty>;
  const [t0, t1] = data.domain;
  const span = Math.max(1, t1 - t0);
  const laneH = Math.max(2, Math.min(14, Math.floor(280 / Math.max(1, data.lanes))));
  const gap = laneH >= 8 ? 2 : 0;
  const plotH = data.lanes * laneH;
  const H = plotH + AXIS_H;
  const xOf = (t: number) => LEFT + ((t - t0) / span) * (W - LEFT - RIGHT);
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + (i * span) / 5);
  return (
    <figure aria-label={`Trial timeline: ${data.bars.length} trials, at most ${data.maxConcurrent} at once`}>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={`Timeline of ${data.bars.length} trials`}>
        {ticks.map((t, i) => (
          <g key={i}>
            <line x1={xOf(t)} x2={xOf(t)} y1={0} y2={plotH} stroke="var(--sw-line)" />
            <text x={xOf(t)} y={plotH + 15} fontSize={10} fill="var(--sw-muted)" textAnchor={i === 0 ? "start" : i === 5 ? "end" : "middle"}>
              {i === 0 ? formatUtcClock(t) : formatOffset(t - t0)}
            </text>
          </g>
        ))}
        {data.bars.map((b) => (
          <rect
            key={b.id}
            x={xOf(b.start)}
            width={Math.max(1.5, xOf(b.end) - xOf(b.start))}
            y={b.lane * laneH + gap / 2}
            height={laneH - gap}
            rx={laneH > 6 ? 2 : 0}
            fill={STATE_COLOURS[b.state]}
            fillOpacity={b.open ? 0.6 : 0.9}
          >
            <title>{`trial ${b.number}: ${b.status}, ${formatDurationMs(b.end - b.start)}${b.open ? " so far" : ""}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted">
        {LEGEND.map((s) => (
          <span key={s} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: STATE_COLOURS[s] }} />
            {s}
          </span>
        ))}
        <span>
          ·{" "}
          {truncated
            ? `an even sample of ${data.bars.length.toLocaleString("en-US")} trials (overlaps are thinned out)`
            : `${data.bars.length.toLocaleString("en-US")} trials, up to ${data.maxConcurrent} at once`}
        </span>
      </figcaption>
    </figure>
  );
}
