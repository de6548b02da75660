"use client";

import { useMemo, useRef, useState, type PointerEvent } from "react";
import { brushValueRange, filterByBrushes, formatTick, METRIC_AXIS, type Brushes, type ParallelData } from "@/lib/charts/sweeps";
import { SweepChartEmpty } from "./sweep-chart-frame";

const W = 1000;
const H = 300;
const TOP = 28;
const BOTTOM = 24;
const SIDE = 60;
const PLOT_H = H - TOP - BOTTOM;

const yOf = (t: number) => TOP + (1 - t) * PLOT_H;
const tOf = (y: number) => Math.max(0, Math.min(1, 1 - (y - TOP) / PLOT_H));

/** Colour from worst (grey-blue) to best (accent-ish violet → amber for the very best). */
function lineColour(q: number): string {
  const hue = 230 - q * 190;
  return `hsl(${hue} 75% ${55 - q * 10}%)`;
}

/**
 * Parallel coordinates in SVG (Recharts has no such chart): one axis per parameter plus the
 * metric; drag on an axis to brush (keep lines through that interval), click an axis to clear
 * its brush. The brushed metric range can be handed to the trial table as a filter.
 */
export function SweepParallelChart({
  data,
  metricName,
  onMetricRange,
}: {
  data: ParallelData;
  metricName: string;
  /** called with the metric range a brush on the metric axis selects (null to clear) */
  onMetricRange?: (range: [number, number] | null) => void;
}) {
  const [brushes, setBrushes] = useState<Brushes>({});
  const [drag, setDrag] = useState<{ axis: number; from: number; to: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const n = data.axes.length;
  const xOf = (i: number) => (n <= 1 ? W / 2 : SIDE + (i * (W - 2 * SIDE)) / (n - 1));

  const kept = useMemo(() => new Set(filterByBrushes(data.lines, brushes).map((l) => l.id)), [data.lines, brushes]);
  const paths = useMemo(
    () =>
      data.lines.map((l) => {
        let d = "";
        let pen = false;
        l.ys.forEach((y, i) => {
          if (y === null) {
            pen = false;
            return;
          }
          d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(y).toFixed(1)}`;
          pen = true;
        });
        return { id: l.id, number: l.number, value: l.value, d, colour: lineColour(l.quality) };
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data.lines, n],
  );

  if (data.lines.length === 0) return <SweepChartEmpty height={H * 0.7}>Parallel coordinates appear once trials complete.</SweepChartEmpty>;

  const toView = (e: PointerEvent) => {
    const r = svg.current!.getBoundingClientRect();
    return ((e.clientY - r.top) * H) / r.height;
  };
  const metricIndex = data.axes.findIndex((a) => a.key === METRIC_AXIS);
  const finish = (axis: number, lo: number, hi: number) => {
    const next = { ...brushes };
    if (Math.abs(hi - lo) < 0.01) delete next[axis];
    else next[axis] = [Math.min(lo, hi), Math.max(lo, hi)];
    setBrushes(next);
    if (axis === metricIndex && onMetricRange) onMetricRange(next[axis] ? brushValueRange(data.axes[axis], next[axis]) : null);
  };
  const brushed = Object.keys(brushes).length > 0;
  // Dense plots fade lines so structure shows through.
  const opacity = Math.max(0.2, Math.min(0.8, 12 / Math.sqrt(data.lines.length)));

  return (
    <figure aria-label={`Parallel coordinates of ${data.lines.length} trials over ${n - 1} parameters and ${metricName}`}>
      <div className="relative overflow-x-auto">
        <svg
          ref={svg}
          viewBox={`0 0 ${W} ${H}`}
          className="h-auto w-full min-w-[640px] touch-none select-none"
          role="img"
          aria-label={`${kept.size} of ${data.lines.length} trials inside the brushes`}
        >
          <g fill="none" strokeWidth={1.2}>
            {paths.map((p) => (
              <path key={p.id} d={p.d} stroke={kept.has(p.id) ? p.colour : "var(--sw-line-strong)"} strokeOpacity={kept.has(p.id) ? opacity : 0.3}>
                <title>{`trial ${p.number}: ${metricName} ${formatTick(p.value)}`}</title>
              </path>
            ))}
          </g>
          {data.axes.map((a, i) => {
            const x = xOf(i);
            const b = drag?.axis === i ? ([Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] as [number, number]) : brushes[i];
            const range = b ? brushValueRange(a, b) : null;
            return (
              <g key={a.key}>
                <line x1={x} x2={x} y1={TOP} y2={TOP + PLOT_H} stroke="var(--sw-fg)" strokeOpacity={0.5} />
                {a.ticks.map((t, k) => (
                  <g key={k}>
                    <line x1={x - 3} x2={x} y1={yOf(t.at)} y2={yOf(t.at)} stroke="var(--sw-fg)" strokeOpacity={0.5} />
                    <text x={x - 5} y={yOf(t.at) + 3} textAnchor="end" fontSize={10} fill="var(--sw-muted)" stroke="var(--sw-surface)" strokeWidth={3} paintOrder="stroke">
                      {t.label.length > 10 ? `${t.label.slice(0, 9)}…` : t.label}
                    </text>
                  </g>
                ))}
                <text x={x} y={14} textAnchor="middle" fontSize={11} fontWeight={a.key === METRIC_AXIS ? 600 : 500} fill="var(--sw-fg)" fontFamily="var(--font-mono)">
                  {a.label.length > 18 ? `${a.label.slice(0, 17)}…` : a.label}
                </text>
                {b ? (
                  <>
                    <rect x={x - 7} width={14} y={yOf(b[1])} height={Math.max(1, yOf(b[0]) - yOf(b[1]))} fill="var(--sw-accent)" fillOpacity={0.18} stroke="var(--sw-accent)" />
                    {range ? (
                      <text x={x + 9} y={yOf(b[1]) + 10} fontSize={10} fill="var(--sw-accent)">
                        {formatTick(range[0])} – {formatTick(range[1])}
                      </text>
                    ) : null}
                  </>
                ) : null}
                <rect
                  x={x - 14}
                  width={28}
                  y={TOP - 4}
                  height={PLOT_H + 8}
                  fill="transparent"
                  className="cursor-crosshair"
                  onPointerDown={(e) => {
                    e.currentTarget.setPointerCapture(e.pointerId);
                    const t = tOf(toView(e));
                    setDrag({ axis: i, from: t, to: t });
                  }}
                  onPointerMove={(e) => {
                    if (drag?.axis === i) setDrag({ ...drag, to: tOf(toView(e)) });
                  }}
                  onPointerUp={() => {
                    if (drag?.axis === i) finish(i, drag.from, drag.to);
                    setDrag(null);
                  }}
                >
                  <title>{`Drag to brush ${a.label}; click to clear`}</title>
                </rect>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="mt-1 flex flex-wrap items-center gap-x-3 text-xs text-muted">
        <span>
          {brushed ? `${kept.size.toLocaleString("en-US")} of ` : ""}
          {data.lines.length.toLocaleString("en-US")} trials. Drag along an axis to brush; click an axis to clear it. Colour: worse → better.
        </span>
        {brushed ? (
          <button
            type="button"
            className="font-medium text-accent underline underline-offset-2"
            onClick={() => {
              setBrushes({});
              if (metricIndex in brushes) onMetricRange?.(null);
            }}
          >
            Clear brushes
          </button>
        ) : null}
      </figcaption>
    </figure>
  );
}
