import type { LogLineDto } from "@/lib/api/specs/logs";

/**
 * Merges the pages (newest first) and tailed lines into one list, oldest first by (ts, id),
 * without duplicates, keeping at most `max` of the newest lines.
 */
export function mergeLogLines(pages: LogLineDto[][], tail: LogLineDto[], max: number): { lines: LogLineDto[]; dropped: number } {
  const byId = new Map<string, LogLineDto>();
  for (const p of pages) for (const l of p) byId.set(l.id, l);
  for (const l of tail) byId.set(l.id, l);
  const all = [...byId.values()].sort((a, b) => (a.ts === b.ts ? cmpId(a.id, b.id) : a.ts < b.ts ? -1 : 1));
  const dropped = Math.max(0, all.length - max);
  return { lines: dropped ? all.slice(dropped) : all, dropped };
}

function cmpId(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}

/** Lines worth a glance: the crash signatures sweepwatch looks for. */
export function isCrashLine(text: string): boolean {
  return /random_device|terminate called|Segmentation fault|core dumped|Traceback \(most recent call last\)|CUDA out of memory|Killed/.test(text);
}
