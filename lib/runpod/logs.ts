import { createParser, type EventSourceMessage } from "eventsource-parser";
import { LogEventDataSchema, type LogLine, type LogSource } from "./schemas";
import type { RunpodError } from "./errors";

/**
 * Reads RunPod's worker log SSE stream (runpod-api.md 5.1). The stream replays
 * `tail` lines and then stays open forever, so every read is bounded by time,
 * idle time, line count and bytes.
 */

export interface LogStreamOptions {
  /** Total budget for connect + read. Default 5000 ms. */
  maxDurationMs?: number;
  /** Stop when no event arrived for this long (off by default). Useful once the replay is done. */
  idleMs?: number;
  /** Stop after this many lines. Default 5000. */
  maxLines?: number;
  /** Stop after this many bytes of stream. Default 256 KiB (what RunPod's MCP server caps at). */
  maxBytes?: number;
  /** Max wait for the response headers (default: the client's timeoutMs, capped by maxDurationMs). */
  connectTimeoutMs?: number;
}

export type LogStreamEndReason = "duration" | "idle" | "eof" | "limit" | "aborted";

export interface LogStreamEnd {
  /** Cursor to pass as `lastEventId` next time (the input cursor when nothing new arrived). */
  lastEventId: string | null;
  endedBy: LogStreamEndReason;
}

export interface WorkerLogsResult {
  lines: LogLine[];
  lastEventId: string | null;
  /** `error`: the stream broke after some lines arrived; they are returned and `error` says why. */
  endedBy: LogStreamEndReason | "error";
  error?: RunpodError;
}

const IGNORED_EVENTS = new Set(["ping", "heartbeat", "keepalive", "keep-alive"]);

/** Turns one SSE event into a log line; data that is not JSON is kept as the line text. */
export function toLogLine(ev: EventSourceMessage, fallbackSource: string): LogLine | null {
  if (ev.event && IGNORED_EVENTS.has(ev.event)) return null;
  const id = ev.id ?? null;
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(ev.data);
  } catch {
    parsedJson = undefined;
  }
  const d = parsedJson !== undefined ? LogEventDataSchema.safeParse(parsedJson) : undefined;
  if (d?.success) {
    const text = d.data.line ?? d.data.message ?? d.data.text;
    return {
      id,
      ts: d.data.ts ?? tsFromId(id),
      source: d.data.source ?? fallbackSource,
      text: text ?? ev.data,
      workerId: d.data.workerId ?? null,
    };
  }
  if (ev.data === "") return null;
  return { id, ts: tsFromId(id), source: fallbackSource, text: ev.data, workerId: null };
}

/** Event ids look like `2026-06-01T12:05:04Z/000000000042`; use the timestamp part when the data has none. */
function tsFromId(id: string | null): string | null {
  if (!id) return null;
  const head = id.split("/")[0];
  return /^\d{4}-\d{2}-\d{2}T/.test(head) && !Number.isNaN(Date.parse(head)) ? head : null;
}

export interface ReadLogStreamOptions extends LogStreamOptions {
  lastEventId: string | null;
  source?: LogSource;
  signal?: AbortSignal;
  /** Builds the error thrown when the connection breaks mid-stream. */
  streamError: (detail: string) => RunpodError;
}

export async function* readLogStream(res: Response, o: ReadLogStreamOptions): AsyncGenerator<LogLine, LogStreamEnd, void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const maxLines = o.maxLines ?? 5000;
  const maxBytes = o.maxBytes ?? 256 * 1024;
  // Events in arrival order; `line` null for events that carry only a cursor.
  const pending: { line: LogLine | null; id: string | undefined }[] = [];
  const resumeFrom = o.lastEventId;
  let lastEventId = o.lastEventId;
  let lines = 0;
  let bytes = 0;
  let endedBy: LogStreamEndReason | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const stop = (why: LogStreamEndReason) => {
    if (endedBy) return;
    endedBy = why;
    reader.cancel().catch(() => undefined);
  };
  const armIdle = () => {
    if (!o.idleMs) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => stop("idle"), o.idleMs);
  };

  const parser = createParser({
    maxBufferSize: 1024 * 1024,
    onEvent(ev) {
      armIdle();
      // Some servers replay the event the cursor points at; never store it twice.
      if (resumeFrom !== null && ev.id === resumeFrom) return;
      pending.push({ line: toLogLine(ev, o.source ?? "unknown"), id: ev.id });
    },
  });

  const deadline = setTimeout(() => stop("duration"), Math.max(0, o.maxDurationMs ?? 5000));
  const onAbort = () => stop("aborted");
  if (o.signal?.aborted) stop("aborted");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  armIdle();

  // The cursor only moves past events actually handed out, so a limit never skips lines.
  function* drain(): Generator<LogLine, void, void> {
    while (pending.length && lines < maxLines) {
      const e = pending.shift()!;
      if (e.id) lastEventId = e.id;
      if (e.line) {
        lines++;
        yield e.line;
      }
    }
  }

  try {
    for (;;) {
      yield* drain();
      if (lines >= maxLines) stop("limit");
      if (endedBy) break;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (endedBy) break;
        if (o.signal?.aborted) {
          endedBy = "aborted";
          break;
        }
        throw o.streamError(`log stream broke: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (chunk.done) {
        // flush what the last chunk completed, then end
        endedBy ??= "eof";
        yield* drain();
        break;
      }
      bytes += chunk.value.byteLength;
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (bytes >= maxBytes) stop("limit");
    }
  } finally {
    clearTimeout(deadline);
    clearTimeout(idleTimer);
    o.signal?.removeEventListener("abort", onAbort);
    // consumer stopped early (break / return): close the connection
    if (!endedBy) stop("aborted");
  }
  return { lastEventId, endedBy: endedBy ?? "eof" };
}
