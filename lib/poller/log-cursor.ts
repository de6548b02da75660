import type { LogLineInput } from "@/lib/logs/store";
import { canonicalLogTs, type LogStreamEndReason } from "@/lib/runpod/logs";
import type { LogLine } from "@/lib/runpod/schemas";

/**
 * Where the next read of a worker's log stream resumes (Worker.logCursor, sent as `since`).
 *
 * RunPod's event ids are the lines' timestamps, resuming is exclusive of the timestamp given, and system
 * lines carry whole seconds: "container exited" printed after a container line stamped 12:00:08.4 is
 * stamped 12:00:08, and more lines of that second may still come (docs/runpod-api.md 5.1). So a read resumes
 * from just before the whole second of the newest line it saw, re-reading up to a couple of seconds of
 * lines that storage de-duplicates by content. Once that second is long past when a read ended (and the
 * read drained the stream), nothing more can be stamped with it and the read resumes right after it, so
 * a worker with nothing new is a quiet read (no headers, no lines) rather than a re-read.
 */

/** A second this long gone when a read ended gets no more lines (RunPod's clock vs ours, delivery lag). */
const SETTLED_MS = 10_000;
/** How far before the newest line's whole second a read resumes. */
const MARGIN_MS = 1_000;

const DRAINED: ReadonlySet<LogStreamEndReason | "error"> = new Set(["idle", "eof", "quiet"]);

/** `since` for the next read from a stored cursor; null: no (usable) cursor, read the tail. Old "<ts>/<seq>" cursors resume from their ts. */
export function resumeSince(cursor: string | null): string | null {
  if (!cursor) return null;
  const head = cursor.split("/")[0];
  return canonicalLogTs(head) ? head : null;
}

/** A first read (tail) that was quiet: the worker had no line at all, so later ones come after this (less RunPod's clock skew). */
const EMPTY_SKEW_MS = 60_000;

export function nextLogCursor(input: { lines: LogLine[]; previous: string | null; endedBy: LogStreamEndReason | "error"; readStartedAt: number; readEndedAt: number }): string | null {
  let newest: string | null = null;
  for (const l of input.lines) {
    const c = l.ts ? canonicalLogTs(l.ts) : null;
    if (c && (newest === null || c > newest)) newest = c;
  }
  if (newest === null && input.previous === null && input.endedBy === "quiet") return `${new Date(input.readStartedAt - EMPTY_SKEW_MS).toISOString().slice(0, 19)}Z`;
  if (newest === null) return input.previous;
  const newestMs = Date.parse(`${newest.slice(0, 23)}Z`);
  if (DRAINED.has(input.endedBy) && input.readEndedAt - newestMs >= SETTLED_MS) return newest;
  const second = Math.floor(newestMs / 1000) * 1000;
  const before = `${new Date(second - MARGIN_MS).toISOString().slice(0, 19)}Z`;
  const prev = resumeSince(input.previous);
  // a flood of lines within the margin must not pin the cursor in place: progress wins then
  if (prev && canonicalLogTs(before)! <= canonicalLogTs(prev)!) return newest;
  return before;
}

/** Rows for storeLogLines: the exact timestamp keys the line, `ts` keeps it to the millisecond. */
export function toStoredLines(endpointId: string, workerId: string, lines: LogLine[], receivedAt: Date): LogLineInput[] {
  return lines.map((l) => {
    const exact = l.ts ? canonicalLogTs(l.ts) : null;
    return {
      endpointId,
      workerId,
      source: l.source === "system" ? "system" : "container",
      ts: exact ? new Date(`${exact.slice(0, 23)}Z`) : receivedAt,
      exactTs: exact,
      text: l.text,
      eventId: l.id,
    };
  });
}
