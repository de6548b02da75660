import { z } from "zod";

/**
 * Per-second serverless GPU prices, an ESTIMATE of what RunPod bills. RunPod prices serverless
 * per GPU class and worker tier (flex / active); it publishes no separate secure/community cloud
 * prices for serverless, so the tier is the "cloud" dimension here.
 */
export const GpuPriceEntrySchema = z.strictObject({
  label: z.string().min(1).max(80),
  /** Case-insensitive substrings of RunPod's gpuTypeId, e.g. "RTX 4090", "H100". */
  match: z.array(z.string().min(1).max(80)).min(1).max(20),
  flexPerSecond: z.number().nonnegative().max(1),
  activePerSecond: z.number().nonnegative().max(1),
});
export type GpuPriceEntry = z.infer<typeof GpuPriceEntrySchema>;

export const GpuPriceTableSchema = z.strictObject({
  currency: z.literal("USD"),
  /** Where the figures come from and when they were read. */
  source: z.string().min(1).max(500),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "asOf must be YYYY-MM-DD"),
  entries: z.array(GpuPriceEntrySchema).min(1).max(100),
});
export type GpuPriceTable = z.infer<typeof GpuPriceTableSchema>;

/**
 * Default table: RunPod's published serverless per-second prices, https://docs.runpod.io/serverless/pricing
 * ("GPU pricing" table, flex and active cost per second), as read on 2026-12-05. More specific
 * matches come first (H200 before H100, "4090" before "A4000").
 */
export const DEFAULT_GPU_PRICES: GpuPriceTable = {
  currency: "USD",
  source: "https://docs.runpod.io/serverless/pricing (serverless GPU pricing, per second)",
  asOf: "2026-12-05",
  entries: [
    { label: "B200 (180 GB)", match: ["B200"], flexPerSecond: 0.0024, activePerSecond: 0.0019 },
    { label: "H200 PRO (141 GB)", match: ["H200"], flexPerSecond: 0.00155, activePerSecond: 0.00124 },
    { label: "H100 PRO (80 GB)", match: ["H100"], flexPerSecond: 0.00116, activePerSecond: 0.00093 },
    { label: "A100 (80 GB)", match: ["A100"], flexPerSecond: 0.00076, activePerSecond: 0.0006 },
    { label: "L40, L40S, 6000 Ada PRO (48 GB)", match: ["L40", "6000 Ada"], flexPerSecond: 0.00053, activePerSecond: 0.00037 },
    { label: "A6000, A40 (48 GB)", match: ["A6000", "A40"], flexPerSecond: 0.00034, activePerSecond: 0.00024 },
    { label: "4090 PRO (24 GB)", match: ["4090"], flexPerSecond: 0.00031, activePerSecond: 0.00021 },
    { label: "L4, A5000, 3090 (24 GB)", match: ["L4", "A5000", "3090"], flexPerSecond: 0.00019, activePerSecond: 0.00013 },
    { label: "A4000, A4500, RTX 4000 (16 GB)", match: ["A4000", "A4500", "RTX 4000"], flexPerSecond: 0.00016, activePerSecond: 0.00011 },
  ],
};

/** The first entry whose pattern occurs in the gpuTypeId; null when unknown (shown as "no price"). */
export function priceFor(table: GpuPriceTable, gpuTypeId: string | null | undefined): GpuPriceEntry | null {
  if (!gpuTypeId) return null;
  const id = gpuTypeId.toLowerCase();
  return table.entries.find((e) => e.match.some((m) => id.includes(m.toLowerCase()))) ?? null;
}

export interface WorkerSpan {
  workerId: string;
  gpuTypeId: string | null;
  gpuCount: number;
  /** When the worker was first seen and when it went (null: still there). */
  from: Date;
  to: Date | null;
  crashed: boolean;
  /** Jobs this worker started inside the window. */
  tookJob: boolean;
}

export interface WasteLine {
  workerId: string;
  gpuTypeId: string | null;
  gpuSeconds: number;
  reason: "crashed" | "never_took_a_job";
  priceLabel: string | null;
  estimatedUsd: number | null;
}

export interface WasteSummary {
  windowStart: string;
  windowEnd: string;
  /** True while the window is open: the figures grow until the incident is resolved. */
  running: boolean;
  wastedGpuSeconds: number;
  estimatedUsd: number;
  /** GPU-seconds of workers whose GPU type has no price: not in estimatedUsd. */
  unpricedGpuSeconds: number;
  workers: WasteLine[];
  estimate: { source: string; asOf: string; tier: "flex" };
}

/**
 * GPU-seconds spent by workers that crashed or never took a job, within [start, end ?? now].
 * Flex prices: crash-looping workers never reach steady "active" billing.
 */
export function computeWaste(spans: WorkerSpan[], window: { start: Date; end: Date | null }, now: Date, table: GpuPriceTable): WasteSummary {
  const end = window.end ?? now;
  const lines: WasteLine[] = [];
  for (const s of spans) {
    if (!s.crashed && s.tookJob) continue;
    const a = Math.max(s.from.getTime(), window.start.getTime());
    const b = Math.min((s.to ?? now).getTime(), end.getTime());
    if (b <= a) continue;
    const gpuSeconds = ((b - a) / 1000) * Math.max(1, s.gpuCount);
    const price = priceFor(table, s.gpuTypeId);
    lines.push({
      workerId: s.workerId,
      gpuTypeId: s.gpuTypeId,
      gpuSeconds: round(gpuSeconds, 3),
      reason: s.crashed ? "crashed" : "never_took_a_job",
      priceLabel: price?.label ?? null,
      estimatedUsd: price ? round(gpuSeconds * price.flexPerSecond, 6) : null,
    });
  }
  const sum = (f: (l: WasteLine) => number) => lines.reduce((acc, l) => acc + f(l), 0);
  return {
    windowStart: window.start.toISOString(),
    windowEnd: end.toISOString(),
    running: window.end === null,
    wastedGpuSeconds: round(sum((l) => l.gpuSeconds), 3),
    estimatedUsd: round(sum((l) => l.estimatedUsd ?? 0), 6),
    unpricedGpuSeconds: round(sum((l) => (l.estimatedUsd === null ? l.gpuSeconds : 0)), 3),
    workers: lines,
    estimate: { source: table.source, asOf: table.asOf, tier: "flex" },
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
