import { formatDuration } from "@/lib/domain/criteria/duration";

/** "2026-11-20 10:04 UTC": absolute and the same on server and client (no hydration drift). */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * "2026-11-20 10:04 UTC (3 d 4 h)" for a state's start, or null when there is no real date: a missing or
 * epoch-zero value must never read as "since 1970-01-01 (20792 d)".
 */
export function formatSince(iso: string | null | undefined, now: number | null): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t < Date.UTC(2000, 0, 1)) return null;
  return now !== null && now >= t ? `${formatUtc(iso)} (${formatDuration(now - t)})` : formatUtc(iso);
}

/** The span format of the criteria rules, under the name these components use. */
export { formatDuration as formatSpan };
