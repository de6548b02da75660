import { priceFor, type GpuPriceTable } from "./gpu-prices";

/** One trial attempt as it ran on a worker: only attempts a worker started cost GPU time. */
export interface TrialAttemptSpan {
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  gpuTypeId: string | null;
  gpuCount: number;
}

export interface GpuTimeFigure {
  gpuSeconds: number;
  /** USD estimate of the priced part (flex tier). */
  estimatedUsd: number;
  /** GPU-seconds on GPU types without a price: not in estimatedUsd. */
  unpricedGpuSeconds: number;
}

/**
 * A sweep's GPU time by what it bought: `useful` (attempts that completed), `wasted` (attempts that
 * started and then failed, were stopped or cancelled) and `running` (attempts still on a worker,
 * measured up to now). `total` is what a budget counts.
 */
export interface TrialTimeSummary {
  useful: GpuTimeFigure;
  wasted: GpuTimeFigure;
  running: GpuTimeFigure;
  total: GpuTimeFigure;
  attemptsCounted: number;
}

const USEFUL = new Set(["completed"]);
const RUNNING = new Set(["running"]);

function empty(): GpuTimeFigure {
  return { gpuSeconds: 0, estimatedUsd: 0, unpricedGpuSeconds: 0 };
}

function add(f: GpuTimeFigure, gpuSeconds: number, perSecond: number | null) {
  f.gpuSeconds += gpuSeconds;
  if (perSecond === null) f.unpricedGpuSeconds += gpuSeconds;
  else f.estimatedUsd += gpuSeconds * perSecond;
}

function rounded(f: GpuTimeFigure): GpuTimeFigure {
  return { gpuSeconds: round(f.gpuSeconds, 3), estimatedUsd: round(f.estimatedUsd, 6), unpricedGpuSeconds: round(f.unpricedGpuSeconds, 3) };
}

export function computeTrialTime(spans: TrialAttemptSpan[], now: Date, table: GpuPriceTable): TrialTimeSummary {
  const useful = empty();
  const wasted = empty();
  const running = empty();
  let attemptsCounted = 0;
  for (const s of spans) {
    if (!s.startedAt) continue;
    const isRunning = RUNNING.has(s.status);
    const end = isRunning ? now : s.finishedAt;
    if (!end) continue;
    const seconds = Math.max(0, (end.getTime() - s.startedAt.getTime()) / 1000) * Math.max(1, s.gpuCount);
    const price = priceFor(table, s.gpuTypeId);
    const perSecond = price ? price.flexPerSecond : null;
    add(isRunning ? running : USEFUL.has(s.status) ? useful : wasted, seconds, perSecond);
    attemptsCounted++;
  }
  const total = empty();
  for (const f of [useful, wasted, running]) {
    total.gpuSeconds += f.gpuSeconds;
    total.estimatedUsd += f.estimatedUsd;
    total.unpricedGpuSeconds += f.unpricedGpuSeconds;
  }
  return { useful: rounded(useful), wasted: rounded(wasted), running: rounded(running), total: rounded(total), attemptsCounted };
}

export interface SweepBudget {
  gpuSeconds: number | null;
  usd: number | null;
}

/** The first limit the spend has reached, in words; null while under budget (or without one). */
export function budgetReached(budget: SweepBudget, spent: GpuTimeFigure): string | null {
  if (budget.gpuSeconds !== null && spent.gpuSeconds >= budget.gpuSeconds) {
    return `GPU-time budget of ${formatGpuHours(budget.gpuSeconds)} reached (${formatGpuHours(spent.gpuSeconds)} used by its trials)`;
  }
  if (budget.usd !== null && spent.estimatedUsd >= budget.usd) {
    return `money budget of $${budget.usd.toFixed(2)} reached (about $${spent.estimatedUsd.toFixed(2)} estimated for its trials)`;
  }
  return null;
}

export function formatGpuHours(gpuSeconds: number): string {
  const h = gpuSeconds / 3600;
  return `${h >= 10 ? h.toFixed(1) : h >= 0.1 ? h.toFixed(2) : h.toFixed(3)} GPU-h`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
