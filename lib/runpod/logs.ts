import { createParser, type EventSourceMessage } from "eventsource-parser";
import { LogEventDataSchema, type LogLine, type LogSource } from "./schemas";
import type { RunpodError } from "./errors";

/**
 * Reads RunPod's worker log SSE stream (docs/runpod-api.md 5.1). The stream replays
 * `tail` lines and then stays open forever, so every read is bounded by time,
 * idle time, line count and bytes. Production sends no response headers until it
 * has a line (runpod/runpodctl internal/api/logs.go), so a read whose headers do not
 * come within its window ends "quiet": no new lines, not an error. Event ids are the
 * bare timestamps of the lines and not unique, so nothing here drops a line by id.
 * The JSON snapshot production sent on 2026-07-06 (runpod/runpod-mcp aabfd76) is read too.
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

/** `quiet`: no response headers within the window; on RunPod that means no line to send yet. */
export type LogStreamEndReason = "duration" | "idle" | "eof" | "limit" | "aborted" | "quiet";

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

/**
 * Event ids are the line's bare RFC 3339 ts on production (`2026-08-13T18:06:15.101277472Z`); the
 * OpenAPI example adds a sequence (`2026-06-01T12:05:04Z/000000000042`). Either gives the timestamp.
 */
function tsFromId(id: string | null): string | null {
  if (!id) return null;
  const head = id.split("/")[0];
  return canonicalLogTs(head) ? head : null;
}

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A log timestamp in one spelling, UTC with nine fraction digits (`2026-08-13T18:05:46.000000000Z`),
 * so the same instant written two ways (`…58.7Z`, `…58.700000000Z`) compares and keys the same and
 * a string sort is chronological. null when it is not RFC 3339.
 */
export function canonicalLogTs(ts: string): string | null {
  const m = RFC3339_RE.exec(ts.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}.${(m[2] ?? "").padEnd(9, "0")}Z`;
}

/**
 * The JSON snapshot `{"container":[...],"system":[...]}` of `"<rfc3339-ts> <message>"` strings
 * (runpod/runpod-mcp src/tools/logs.ts, aabfd76). The server ignored `source` then, so the filter is
 * applied here; both sources merge in time order. null: not that shape (yet).
 */
export function parseLogSnapshot(text: string, source?: string): LogLine[] | null {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return null;
  const o = obj as Record<string, unknown>;
  if (!Array.isArray(o.container) && !Array.isArray(o.system)) return null;
  const out: { line: LogLine; key: string; i: number }[] = [];
  for (const src of ["container", "system"] as const) {
    if (source && source !== src) continue;
    const list = Array.isArray(o[src]) ? (o[src] as unknown[]) : [];
    for (const item of list) {
      const raw = typeof item === "string" ? item : JSON.stringify(item);
      const cut = raw.indexOf(" ");
      const head = cut > 0 ? raw.slice(0, cut) : "";
      const key = canonicalLogTs(head);
      const line: LogLine = key ? { id: head, ts: head, source: src, text: raw.slice(cut + 1), workerId: null } : { id: null, ts: null, source: src, text: raw, workerId: null };
      out.push({ line, key: key ?? "", i: out.length });
    }
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return out.map((x) => x.line);
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
      // ids are timestamps shared by several lines: a line is never dropped for its id (storage de-duplicates by content)
      pending.push({ line: toLogLine(ev, o.source ?? "unknown"), id: ev.id });
    },
  });

  let shape: "unknown" | "sse" | "snapshot" = "unknown";
  let head = "";
  /** The snapshot is one JSON document: parse once it is complete (or at the end, whatever came). */
  const feedSnapshot = (atEnd: boolean) => {
    const got = parseLogSnapshot(head, o.source);
    if (!got) {
      if (atEnd) parser.feed(head);
      return;
    }
    for (const line of got) pending.push({ line, id: line.id ?? undefined });
    head = "";
    stop("eof");
  };

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
        if (shape === "snapshot") feedSnapshot(true);
        else if (shape === "unknown") parser.feed(head);
        endedBy ??= "eof";
        yield* drain();
        break;
      }
      bytes += chunk.value.byteLength;
      const text = decoder.decode(chunk.value, { stream: true });
      if (shape === "unknown") {
        // an SSE stream never starts with "{"; the JSON snapshot does
        head += text;
        const first = head.trimStart()[0];
        if (first !== undefined) {
          shape = first === "{" ? "snapshot" : "sse";
          if (shape === "sse") parser.feed(head);
          else feedSnapshot(false);
          head = shape === "sse" ? "" : head;
        }
      } else if (shape === "sse") parser.feed(text);
      else {
        head += text;
        feedSnapshot(false);
      }
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
