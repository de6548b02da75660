/** Money estimates: cents for amounts of a dollar or more, four decimals below. */
export function formatUsd(n: number): string {
  return `$${n.toFixed(Math.abs(n) < 1 ? 4 : 2)}`;
}

/** GPU time in GPU-hours above an hour, GPU-minutes above a minute, else GPU-seconds. */
export function formatGpuTime(gpuSeconds: number): string {
  if (gpuSeconds >= 3600) return `${(gpuSeconds / 3600).toFixed(gpuSeconds >= 36_000 ? 1 : 2)} GPU-h`;
  if (gpuSeconds >= 60) return `${(gpuSeconds / 60).toFixed(1)} GPU-min`;
  return `${gpuSeconds.toFixed(0)} GPU-s`;
}
