"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef, useState, type PointerEvent } from "react";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { EmptyState } from "@/components/ui/empty-state";
import { ActivityIcon } from "@/components/ui/icons";
import type { TimelineDto } from "@/lib/api/specs/crashes";
import { fitTimelineRange } from "@/lib/charts/timeline";
import { formatDurationMs, formatUtcRange, formatUtcTick, formatUtcTime } from "@/lib/format/time";
import { crashesAroundQueryOptions } from "@/lib/incidents/client/queries";
import { timelineQueryOptions, TIMELINE_SPANS, type TimelineWindow } from "@/lib/endpoints/client/timeline-queries";
import { CrashLines } from "@/components/incidents/incident-view";

const W = 1100;
const LABEL = 150;
const RIGHT = 12;
const AXIS = 22;
const QUEUE_H = 56;
const LANE_H = 22;
const TRIAL_H = 9;
const PLOT = W - LABEL - RIGHT;

const SEGMENT_FILL: Record<string, string> = {
  starting: "#93c5fd",
  running: "#34d399",
  idle: "#a7f3d0",
  unhealthy: "#fca5a5",
  throttled: "#fcd34d",
  backoff: "url(#sw-backoff)",
  other: "#d4d4d8",
};

function fmt(t: number, span: number): string {
  return formatUtcTick(t, span > 2 * 86_400_000 ? "day" : span > 3_600_000 ? "minute" : "second");
}

function ticks(from: number, to: number): number[] {
  const span = to - from;
  const steps = [10e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 21600e3, 43200e3, 86400e3];
  const step = steps.find((s) => span / s <= 8) ?? 86400e3;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

/** Packs trials into rows so that they do not overlap. */
function packTrials(trials: TimelineDto["trials"], to: number, maxRows = 6) {
  const ends: number[] = [];
  return trials.map((t) => {
    const end = t.end ?? to;
    let row = ends.findIndex((e) => e <= t.start);
    if (row === -1) row = ends.length < maxRows ? ends.length : ends.indexOf(Math.min(...ends));
    ends[row] = end;
    return { ...t, row };
  });
}

function CrashDetail({ endpointId, crash, onClose }: { endpointId: string; crash: { id: string; t: number }; onClose: () => void }) {
  const q = useQuery(crashesAroundQueryOptions(endpointId, crash.t));
  const c = q.data?.crashes.find((x) => x.id === crash.id);
  return (
    <CardSection id="crash-detail-h" title="Crash log lines" actions={<Button size="sm" variant="ghost" onClick={onClose}>Close</Button>}>
      <CardBody>{c ? <CrashLines crash={c} label={c.title} /> : <p className="text-sm text-muted">{q.isError ? `Could not load the crash: ${q.error.message}` : q.isPending ? "Loading…" : "This crash is no longer stored."}</p>}</CardBody>
    </CardSection>
  );
}

/**
 * The on-call crash timeline of one endpoint: queue depth, one lane per worker (status, crash markers
 * coloured by signature, restarts and back-off gaps), incident bands, image changes and sweep trials,
 * on one zoomable time axis (span buttons, zoom/pan, drag to select). Clicking a crash shows its lines.
 * Pass `window`/`onWindowChange` to keep the window in the URL; otherwise it is local state.
 */
export function EndpointTimeline({ endpointId, window: controlled, onWindowChange }: { endpointId: string; window?: TimelineWindow; onWindowChange?: (w: TimelineWindow) => void }) {
  const [local, setLocal] = useState<TimelineWindow>({ kind: "live", spanMs: TIMELINE_SPANS["15m"] });
  const win = controlled ?? local;
  const setWin = onWindowChange ?? setLocal;
  const q = useQuery(timelineQueryOptions(endpointId, win));
  const [selected, setSelected] = useState<{ id: string; t: number } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  const data = q.data;
  const fitted = data ? fitTimelineRange(data, win.kind === "live") : { from: 0, to: 1 };
  const from = fitted.from;
  const to = fitted.to;
  const span = Math.max(1, to - from);
  const x = (t: number) => LABEL + ((t - from) / span) * PLOT;
  const lanes = data?.lanes ?? [];
  const trials = data ? packTrials(data.trials, to) : [];
  const trialRows = trials.length ? Math.max(...trials.map((t) => t.row)) + 1 : 0;
  const lanesTop = AXIS + QUEUE_H + 8;
  const trialsTop = lanesTop + Math.max(1, lanes.length) * LANE_H + 8;
  const H = trialsTop + (trialRows ? trialRows * (TRIAL_H + 2) + 18 : 0) + 4;
  const maxQ = Math.max(1, ...(data?.queue.map((p) => p.inQueue) ?? [1]));

  const zoom = (factor: number, center = from + span / 2) => {
    const half = Math.max(5_000, (span * factor) / 2);
    setWin({ kind: "fixed", from: Math.round(center - half), to: Math.round(center + half) });
  };
  const pan = (dir: number) => setWin({ kind: "fixed", from: Math.round(from + dir * span * 0.5), to: Math.round(to + dir * span * 0.5) });
  const svgX = (e: PointerEvent<SVGSVGElement>) => {
    const r = svgRef.current!.getBoundingClientRect();
    return ((e.clientX - r.left) / r.width) * W;
  };
  const tAt = (px: number) => from + ((Math.min(Math.max(px, LABEL), W - RIGHT) - LABEL) / PLOT) * span;

  return (
    <div className="space-y-4">
      <CardSection
        id="timeline-h"
        title="Crash timeline"
        description={data ? `${formatUtcRange(from, to)}${win.kind === "live" ? ` (live${from > data.from ? ", from the first recorded point" : ""})` : ""}. Drag across the chart to zoom in.` : "Queue depth, worker lanes with crashes, incidents, deploys and trials."}
        actions={
          <>
            <div role="radiogroup" aria-label="Time span" className="inline-flex rounded-md border border-line-strong bg-surface p-0.5">
              {Object.entries(TIMELINE_SPANS).map(([name, ms]) => (
                <button
                  key={name}
                  type="button"
                  role="radio"
                  aria-checked={win.kind === "live" && win.spanMs === ms}
                  onClick={() => setWin({ kind: "live", spanMs: ms })}
                  className={cx("rounded px-2 py-0.5 text-xs font-medium", win.kind === "live" && win.spanMs === ms ? "bg-accent text-accent-fg" : "text-muted hover:bg-subtle hover:text-fg")}
                >
                  {name}
                </button>
              ))}
            </div>
            <Button size="sm" variant="ghost" aria-label="Earlier" onClick={() => pan(-1)} disabled={!data}>
              ←
            </Button>
            <Button size="sm" variant="ghost" aria-label="Zoom in" onClick={() => zoom(0.5)} disabled={!data}>
              +
            </Button>
            <Button size="sm" variant="ghost" aria-label="Zoom out" onClick={() => zoom(2)} disabled={!data}>
              −
            </Button>
            <Button size="sm" variant="ghost" aria-label="Later" onClick={() => pan(1)} disabled={!data}>
              →
            </Button>
          </>
        }
      >
        <CardBody>
          {!data ? (
            <p className="text-sm text-muted">{q.isError ? `Could not load the timeline: ${q.error.message}` : "Loading the timeline…"}</p>
          ) : lanes.length === 0 && data.queue.length === 0 ? (
            <EmptyState size="sm" icon={<ActivityIcon size={20} />} title="Nothing recorded in this window">
              <p>No worker, queue snapshot or crash of this endpoint falls in the selected window. Pick a longer span, or wait for the poller.</p>
            </EmptyState>
          ) : (
            <>
              {q.isError ? <p className="mb-2 text-xs text-amber-700">Showing the last good data; refresh failed: {q.error.message}</p> : null}
              {/* On a phone the chart keeps a readable scale and scrolls inside its own frame. */}
              <div className="relative -mx-1 overflow-x-auto px-1" tabIndex={0} aria-label="Crash timeline chart (scrolls sideways)" role="region">
              <svg
                ref={svgRef}
                role="img"
                aria-label={`Crash timeline of ${endpointId}: ${lanes.length} worker lanes, ${lanes.reduce((n, l) => n + l.crashes.length, 0)} crashes`}
                viewBox={`0 0 ${W} ${H}`}
                className="w-full min-w-[880px] select-none text-fg"
                onPointerDown={(e) => {
                  if ((e.target as Element).closest("[data-crash]")) return;
                  const px = svgX(e);
                  if (px >= LABEL) setDrag({ x0: px, x1: px });
                }}
                onPointerMove={(e) => drag && setDrag({ ...drag, x1: svgX(e) })}
                onPointerUp={() => {
                  if (drag && Math.abs(drag.x1 - drag.x0) > 6) {
                    const a = tAt(Math.min(drag.x0, drag.x1));
                    const b = tAt(Math.max(drag.x0, drag.x1));
                    if (b - a >= 5_000) setWin({ kind: "fixed", from: Math.round(a), to: Math.round(b) });
                  }
                  setDrag(null);
                }}
                onPointerLeave={() => setDrag(null)}
              >
                <defs>
                  <pattern id="sw-backoff" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" fill="#fee2e2" />
                    <line x1="0" y1="0" x2="0" y2="6" stroke="#f87171" strokeWidth="2" />
                  </pattern>
                </defs>
                {/* axis */}
                {ticks(from, to).map((t) => (
                  <g key={t}>
                    <line x1={x(t)} x2={x(t)} y1={AXIS - 4} y2={H} stroke="currentColor" strokeOpacity={0.08} />
                    <text x={x(t)} y={AXIS - 8} fontSize={10} textAnchor="middle" fill="currentColor" fillOpacity={0.6}>
                      {fmt(t, span)}
                    </text>
                  </g>
                ))}
                {/* incident bands */}
                {data.incidents.map((b, k) => (
                  <g key={`${b.id}-${k}`} data-testid="incident-band">
                    <rect x={x(b.start)} y={AXIS} width={Math.max(2, x(b.end ?? to) - x(b.start))} height={H - AXIS} fill="#ef4444" fillOpacity={0.07} />
                    <text x={x(b.start) + 3} y={AXIS + 10} fontSize={9} fill="#b91c1c">
                      #{b.id} {b.title}
                    </text>
                  </g>
                ))}
                {/* queue depth */}
                <text x={4} y={AXIS + 14} fontSize={11} fill="currentColor">
                  Queue depth
                </text>
                <text x={4} y={AXIS + 28} fontSize={10} fill="currentColor" fillOpacity={0.6}>
                  max {maxQ}
                </text>
                {data.queue.length > 1 ? (
                  <path
                    d={
                      `M ${x(data.queue[0].t)} ${AXIS + QUEUE_H} ` +
                      data.queue.map((p) => `L ${x(p.t)} ${AXIS + QUEUE_H - (p.inQueue / maxQ) * (QUEUE_H - 6)}`).join(" ") +
                      ` L ${x(data.queue[data.queue.length - 1].t)} ${AXIS + QUEUE_H} Z`
                    }
                    fill="#6366f1"
                    fillOpacity={0.25}
                    stroke="#6366f1"
                    strokeWidth={1}
                  />
                ) : null}
                {/* deploys */}
                {data.deploys.map((d) => (
                  <g key={`${d.t}-${d.image}`} data-testid="deploy-marker">
                    <line x1={x(d.t)} x2={x(d.t)} y1={AXIS} y2={H} stroke="#7c3aed" strokeDasharray="4 3" />
                    <text x={x(d.t) + 3} y={AXIS + QUEUE_H - 2} fontSize={9} fill="#7c3aed">
                      {d.image.split("/").pop()}
                      {d.version ? ` (v${d.version})` : ""}
                    </text>
                    <title>{`Image change: ${d.image}${d.version ? ` version ${d.version}` : ""} at ${formatUtcTime(d.t)}`}</title>
                  </g>
                ))}
                {/* worker lanes */}
                {lanes.map((l, k) => {
                  const y = lanesTop + k * LANE_H;
                  return (
                    <g key={l.workerId} data-testid="worker-lane" aria-label={`Worker ${l.workerId}`}>
                      <text x={4} y={y + 14} fontSize={10} fontFamily="ui-monospace, monospace" fill="currentColor">
                        {l.workerId.slice(0, 18)}
                      </text>
                      {l.segments
                        .filter((s) => s.kind !== "backoff")
                        .map((s, j) => (
                          <rect key={j} x={x(s.start)} y={y + 4} width={Math.max(1, x(s.end) - x(s.start))} height={LANE_H - 8} fill={SEGMENT_FILL[s.kind]} rx={2}>
                            <title>{`${s.kind} ${formatUtcTick(s.start, "second")}–${formatUtcTick(s.end, "second")}`}</title>
                          </rect>
                        ))}
                      {l.segments
                        .filter((s) => s.kind === "backoff")
                        .map((s, j) => (
                          <rect key={`b${j}`} x={x(s.start)} y={y + 6} width={Math.max(1, x(s.end) - x(s.start))} height={LANE_H - 12} fill={SEGMENT_FILL.backoff}>
                            <title>{`back-off ${formatDurationMs(s.end - s.start)}`}</title>
                          </rect>
                        ))}
                      {l.restarts.map((t) => (
                        <path key={`r${t}`} d={`M ${x(t)} ${y + 2} l 4 -4 l -8 0 z`} fill="#2563eb">
                          <title>{`restart at ${formatUtcTime(t)}`}</title>
                        </path>
                      ))}
                      {l.crashes.map((c) => (
                        <g
                          key={c.id}
                          data-crash
                          data-testid="crash-marker"
                          role="button"
                          tabIndex={0}
                          aria-label={`Crash ${c.signature} at ${formatUtcTime(c.t)} on worker ${l.workerId}`}
                          className="cursor-pointer focus:outline-none"
                          onClick={() => setSelected({ id: c.id, t: c.t })}
                          onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && setSelected({ id: c.id, t: c.t })}
                        >
                          <circle cx={x(c.t)} cy={y + LANE_H / 2} r={selected?.id === c.id ? 6.5 : 5} fill={c.color} stroke="white" strokeWidth={1.5} />
                          <title>{`${c.title}${c.exitCode !== null ? ` (exit ${c.exitCode})` : ""} at ${formatUtcTime(c.t)}`}</title>
                        </g>
                      ))}
                    </g>
                  );
                })}
                {lanes.length === 0 ? (
                  <text x={LABEL + 4} y={lanesTop + 14} fontSize={10} fill="currentColor" fillOpacity={0.6}>
                    no worker in this window
                  </text>
                ) : null}
                {/* trials */}
                {trialRows ? (
                  <text x={4} y={trialsTop + 10} fontSize={11} fill="currentColor">
                    Trials
                  </text>
                ) : null}
                {trials.map((t) => (
                  <rect
                    key={t.id}
                    data-testid="trial-bar"
                    x={x(Math.max(t.start, from))}
                    y={trialsTop + t.row * (TRIAL_H + 2)}
                    width={Math.max(2, x(Math.min(t.end ?? to, to)) - x(Math.max(t.start, from)))}
                    height={TRIAL_H}
                    rx={2}
                    fill={t.status === "completed" ? "#10b981" : t.status === "failed" ? "#ef4444" : t.status === "queued" ? "#f59e0b" : "#a1a1aa"}
                  >
                    <title>{`${t.sweepName} trial #${t.number}: ${t.status}`}</title>
                  </rect>
                ))}
                {drag ? <rect x={Math.min(drag.x0, drag.x1)} y={AXIS} width={Math.abs(drag.x1 - drag.x0)} height={H - AXIS} fill="#6366f1" fillOpacity={0.15} /> : null}
              </svg>
              </div>
              <ul aria-label="Legend" className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted">
                {data.signatures.map((s) => (
                  <li key={s.signature} className="flex items-center gap-1.5">
                    <span aria-hidden className="inline-block size-2.5 rounded-full" style={{ background: s.color }} />
                    {s.signature} ({s.count})
                  </li>
                ))}
                {(["starting", "running", "idle", "unhealthy", "throttled"] as const).map((k) => (
                  <li key={k} className="flex items-center gap-1.5">
                    <span aria-hidden className="inline-block h-2.5 w-4 rounded-sm" style={{ background: SEGMENT_FILL[k] }} />
                    {k}
                  </li>
                ))}
                <li className="flex items-center gap-1.5">
                  <span aria-hidden className="inline-block h-2.5 w-4 rounded-sm border border-red-300 bg-red-100" />
                  back-off
                </li>
                <li>▼ restart</li>
                <li className="text-violet-700">┆ image change</li>
                {data.truncated ? <li className="text-amber-700">some series were cut to stay bounded; zoom in for detail</li> : null}
              </ul>
            </>
          )}
        </CardBody>
      </CardSection>
      {selected ? <CrashDetail endpointId={endpointId} crash={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}
