import { formatUtcTime, timeAgo } from "@/lib/format/time";

/** "3 min ago", "1 h 43 min ago"; null `now` (before hydration) → the UTC time. */
export function ago(iso: string | null, now: number | null): string {
  return timeAgo(iso, now);
}

export function utc(iso: string | null): string {
  return formatUtcTime(iso);
}
