import type { IngestLine } from "@/lib/ingest/repository";

/** LogLine.stream of an uploaded line whose time is not known: evidence only, never a live verdict or count. */
export const UNDATED_STREAM = "undated";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** ISO 8601 / RFC 3339 and Python logging ("2026-12-05 14:03:22,123"), optionally in brackets; no zone = UTC. */
const ISO = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?:?\s?/;
/** Epoch seconds with a fraction, as `[1733400000.123]` or `1733400000.123 ` (dmesg-like, supervisors). */
const EPOCH = /^\[?(1\d{9})(?:\.(\d{1,9}))?\]?\s/;
/** syslog / journald: `Dec  5 14:03:22` (no year: the upload's, or the year before when that lies in the future). */
const SYSLOG = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s/;

/** The time a line starts with, in one of the common prefixes, and the text after it; null without one. */
export function parseLeadingTime(line: string, reference: Date): { ts: Date; rest: string } | null {
  let m = ISO.exec(line);
  if (m) {
    const iso = m[1].replace(" ", "T").replace(",", ".");
    // JS dates keep milliseconds: cut longer fractions
    const trimmed = iso.replace(/(\.\d{3})\d+/, "$1");
    const d = new Date(/Z|[+-]\d{2}:?\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`);
    if (!Number.isNaN(d.getTime())) return { ts: d, rest: line.slice(m[0].length) };
  }
  m = EPOCH.exec(line);
  if (m) {
    const d = new Date(Number(m[1]) * 1000 + Math.floor(Number(`0.${m[2] ?? "0"}`) * 1000));
    if (!Number.isNaN(d.getTime())) return { ts: d, rest: line.slice(m[0].length) };
  }
  m = SYSLOG.exec(line);
  if (m) {
    const mon = MONTHS.indexOf(m[1].toLowerCase());
    if (mon >= 0) {
      const ms = m[6] ? Math.floor(Number(`0.${m[6]}`) * 1000) : 0;
      let d = new Date(Date.UTC(reference.getUTCFullYear(), mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms));
      if (d.getTime() > reference.getTime() + 86_400_000) d = new Date(Date.UTC(reference.getUTCFullYear() - 1, mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms));
      if (!Number.isNaN(d.getTime())) return { ts: d, rest: line.slice(m[0].length) };
    }
  }
  return null;
}

/**
 * Splits an uploaded file into lines that keep their own times: a line's leading time (parseLeadingTime),
 * else the previous dated line's (tracebacks, continuation lines), else the time the uploader gave
 * (`givenAt`: when the log was written). Lines with none of these are stored at the upload time on
 * stream UNDATED_STREAM: evidence for an incident, never a live verdict or count.
 */
export function parseUploadedLog(text: string, opts: { uploadedAt: Date; givenAt?: Date | null; maxLineChars: number; marker: string }): { lines: IngestLine[]; truncated: number; undated: number } {
  const raw = text.replace(/\r\n?/g, "\n").split("\n");
  if (raw.length && raw[raw.length - 1] === "") raw.pop();
  let last: Date | null = opts.givenAt ?? null;
  let truncated = 0;
  let undated = 0;
  const lines = raw.map((l) => {
    let line = l.replace(/\u0000/g, "\uFFFD");
    const t = parseLeadingTime(line, opts.givenAt ?? opts.uploadedAt);
    if (t) {
      last = t.ts;
      line = t.rest;
    }
    if (line.length > opts.maxLineChars) {
      truncated++;
      line = line.slice(0, opts.maxLineChars - opts.marker.length) + opts.marker;
    }
    if (!last) undated++;
    return { ts: last ?? opts.uploadedAt, stream: last ? "upload" : UNDATED_STREAM, text: line };
  });
  return { lines, truncated, undated };
}
