"use client";

import type { SparkPointDto } from "@/lib/api/specs/endpoints";
import { prepareSparkline } from "@/lib/charts/endpoints";

const W = 120;
const H = 28;

/** Last hour's queue depth as a tiny line; "no data" text rather than an empty box. */
export function QueueDepthSparkline({ points, now }: { points: SparkPointDto[]; now: number }) {
  const s = prepareSparkline(points, { now, windowMs: 3600_000, width: W, height: H });
  if (!s.path) return <span className="text-xs text-faint">no data in the last hour</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <svg role="img" aria-label={s.label} width={W} height={H} viewBox={`0 0 ${W} ${H}`} className="overflow-visible">
        <title>{s.label}</title>
        <line x1={0} x2={W} y1={H - 1} y2={H - 1} stroke="var(--sw-line)" strokeWidth={1} />
        <path d={s.path} fill="none" stroke="var(--sw-accent)" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      </svg>
      <span className="w-20 whitespace-nowrap text-xs tabular-nums text-muted">max {Math.round(s.max)}</span>
    </span>
  );
}
