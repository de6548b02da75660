// Formatting for the sweeps pages (pure; shared by server and client so both render the same text).
import { formatUtcTime } from "@/lib/format/time";

/** A metric value: 4 significant digits, exponent for very small or large magnitudes. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** A parameter value as it appears in a table cell. */
export function formatParam(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return formatMetric(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Reads a flattened (dotted) parameter path out of a trial's nested params. */
export function paramAt(params: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(params, path)) return params[path];
  let cur: unknown = params;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** "3 h 12 min", "45 s", "2 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 && m < 10 ? ` ${s % 60} s` : ""}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ""}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ""}`;
}

/** Percent of a progress, clamped, or null when the total is unknown. */
export function progressPercent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.max(0, Math.min(100, (done / total) * 100));
}

/** A stable UTC timestamp (server and client agree; no locale/timezone mismatch on hydration). */
export function formatTimestamp(iso: string | null | undefined): string {
  return formatUtcTime(iso);
}
