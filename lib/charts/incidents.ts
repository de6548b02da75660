/** Pure figures for the incident page. */

export interface WorkerSpan {
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
  goneAt: string | null;
}

/**
 * Worker time spent by the crash-looping workers: each listed worker's uptime as sweepwatch saw it
 * (first seen → gone, or last seen while it lives), counted from `since` (the first crash). Workers
 * not in `workers` (already forgotten) are counted as missing, so the caller can say the figure is partial.
 */
export function crashingWorkerTime(workers: WorkerSpan[], crashingIds: string[], since: string | null): { seconds: number; counted: number; missing: number } {
  const byId = new Map(workers.map((w) => [w.id, w]));
  const from = since ? Date.parse(since) : -Infinity;
  let ms = 0;
  let counted = 0;
  for (const id of new Set(crashingIds)) {
    const w = byId.get(id);
    if (!w) continue;
    const a = Math.max(Date.parse(w.firstSeenAt), from);
    const b = Date.parse(w.goneAt ?? w.lastSeenAt);
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) ms += b - a;
    counted++;
  }
  return { seconds: Math.round(ms / 1000), counted, missing: new Set(crashingIds).size - counted };
}
