import { differenceInMilliseconds, intervalToDuration } from "date-fns";

/**
 * The one time vocabulary of the UI, the criteria summaries and the report. Pure; server and client give
 * the same text for the same inputs.
 * - Durations, ages and countdowns: the two largest units, rounded down ("45 s", "12 min", "1 h 43 min",
 *   "2 h", "2 d 4 h", "40 d"); "x ago" is built from them.
 * - Absolute times are always UTC ("2026-12-05 14:03:47 UTC"), so no locale or time zone changes the text
 *   between server rendering and hydration.
 * - A missing or unreadable input gives "—".
 */
const NONE = "—";

/** A span in seconds: "45 s", "12 min", "1 h 43 min", "2 d 4 h"; negative (clock skew) reads "0 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const d = intervalToDuration({ start: 0, end: s * 1000 });
  // intervalToDuration carries whole days into months and years; a span reads in days.
  const days = Math.floor(s / 86_400);
  if (days > 0) return d.hours ? `${days} d ${d.hours} h` : `${days} d`;
  if (d.hours) return d.minutes ? `${d.hours} h ${d.minutes} min` : `${d.hours} h`;
  return `${d.minutes ?? 0} min`;
}

/** {@link formatDuration} of a span in milliseconds (the difference of two instants). */
export function formatDurationMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? NONE : formatDuration(ms / 1000);
}

/** A share of one day to the nearest hour ("20 h"), or of an hour to the nearest minute, at least "1 min". */
export function formatHoursRounded(ms: number): string {
  const h = ms / 3_600_000;
  if (h >= 1) return `${Math.round(h)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** "12 min ago"; null `now` (before hydration) gives the absolute UTC time, so SSR and hydration agree. */
export function timeAgo(iso: string | null | undefined, now: number | null): string {
  const t = parse(iso);
  if (t === null) return NONE;
  if (now === null) return formatUtcTime(t);
  return `${formatDurationMs(differenceInMilliseconds(now, t))} ago`;
}

/**
 * "2026-11-20 10:04 UTC (3 d 4 h)" for the start of a state, or null when there is no real date: a missing
 * or epoch-zero value must never read as "since 1970-01-01 (20792 d)".
 */
export function formatSince(iso: string | null | undefined, now: number | null): string | null {
  const t = parse(iso);
  if (t === null || t < Date.UTC(2000, 0, 1)) return null;
  const at = formatUtcTime(t, "minute");
  return now !== null && now >= t ? `${at} (${formatDurationMs(now - t)})` : at;
}

/*
 * UTC text comes from toISOString (ISO 8601, always UTC) rather than date-fns' format, which renders in the
 * local time zone unless @date-fns/utc or @date-fns/tz is added; slicing the ISO string needs neither.
 */

/** "2026-12-05 14:03:47 UTC", or "2026-12-05 14:03 UTC" to the minute. */
export function formatUtcTime(at: string | number | null | undefined, precision: "second" | "minute" = "second"): string {
  const t = parse(at);
  return t === null ? NONE : `${iso(t).slice(0, precision === "minute" ? 16 : 19)} UTC`;
}

/** "14:03:47 UTC": the time of day alone, for a moment on a page that already says which day. */
export function formatUtcClock(at: string | number | null | undefined): string {
  const t = parse(at);
  return t === null ? NONE : `${iso(t).slice(11, 19)} UTC`;
}

/** "2026-12-04 14:03:47 → 14:04:47 UTC" (the date once when both ends fall on one day). */
export function formatUtcRange(from: number, to: number): string {
  const a = iso(from).slice(0, 19);
  const b = iso(to).slice(0, 19);
  return `${a} → ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
}

/** A chart axis label in UTC: "12-05 14:03" (unit "day"), "14:03" ("minute") or "14:03:47" ("second"). */
export function formatUtcTick(t: number, unit: "day" | "minute" | "second"): string {
  const s = iso(t);
  if (unit === "day") return s.slice(5, 16);
  return s.slice(11, unit === "minute" ? 16 : 19);
}

/** A chart axis offset from its start: "+45s", "+12m", "+2.5h". */
export function formatOffset(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `+${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `+${m}m`;
  return `+${(m / 60).toFixed(1)}h`;
}

/** A job's delay or execution time as RunPod reports it (ms): "850 ms", "12.3 s", "4.2 min". */
export function formatMs(ms: number | null): string {
  if (ms === null) return NONE;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function parse(at: string | number | null | undefined): number | null {
  if (at === null || at === undefined || at === "") return null;
  const t = typeof at === "number" ? at : Date.parse(at);
  return Number.isFinite(t) ? t : null;
}

const iso = (t: number) => new Date(t).toISOString().replace("T", " ");
