import { INGEST_LIMITS, TRUNCATION_MARKER } from "@/lib/api/specs/ingest";

/**
 * Makes a pushed line storable: NUL (which PostgreSQL text cannot hold) becomes U+FFFD, and a
 * line longer than the limit is cut and ends with TRUNCATION_MARKER (truncated, not rejected:
 * the start of a huge line, e.g. a traceback dump, is usually the useful part).
 */
export function normalizeLineText(text: string, maxChars: number = INGEST_LIMITS.maxLineChars): { text: string; truncated: boolean } {
  let t = text.includes("\u0000") ? text.replace(/\u0000/g, "\uFFFD") : text;
  // One trailing newline is the line terminator, not content.
  if (t.endsWith("\n")) t = t.slice(0, t.endsWith("\r\n") ? -2 : -1);
  if (t.length <= maxChars) return { text: t, truncated: false };
  return { text: t.slice(0, maxChars - TRUNCATION_MARKER.length) + TRUNCATION_MARKER, truncated: true };
}

export function parseTs(ts: number | string): Date {
  return new Date(typeof ts === "number" ? ts : Date.parse(ts));
}
