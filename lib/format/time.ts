import { intervalToDuration } from "date-fns";

/**
 * The one time vocabulary of the UI: compact ages ("45 s", "12 min", "1 h 43 min", "2 d 4 h"),
 * "x ago" built from them, and absolute UTC times ("2026-12-05 14:03:47 UTC"). Pure; server and
 * client give the same text for the same inputs.
 */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const d = intervalToDuration({ start: 0, end: s * 1000 });
  const days = Math.floor(s / 86_400);
  if (days > 0) return d.hours ? `${days} d ${d.hours} h` : `${days} d`;
  if (d.hours) return d.minutes ? `${d.hours} h ${d.minutes} min` : `${d.hours} h`;
  return `${d.minutes ?? 0} min`;
}

/** "12 min ago"; null `now` (before hydration) gives the absolute UTC time, so SSR and hydration agree. */
export function timeAgo(iso: string | null | undefined, now: number | null): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "—";
  if (now === null) return formatUtcTime(iso);
  return `${formatAge((now - t) / 1000)} ago`;
}

/** "2026-12-05 14:03:47 UTC" (or "—"). */
export function formatUtcTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().replace("T", " ").slice(0, 19)} UTC` : "—";
}
