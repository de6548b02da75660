import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogLine, SimEngine, SimWorker } from "./engine";
import type { LogRoute } from "./scenario";

/**
 * GET /v2/serverless/{id}/workers/{workerId}/logs as production answers it (docs/runpod-api.md 5.1;
 * runpod/runpodctl internal/api/logs.go and logs_test.go, commit 4fc7ced):
 * - no response headers until there is a line to send (a quiet worker is a request with no answer yet);
 * - `id:` is the bare RFC 3339 ts of the line: whole seconds for system lines, nanoseconds for container
 *   lines, so several system lines in one second share an id;
 * - `Last-Event-ID` (beats `since`, beats `tail`) and `since` resume exclusively after that timestamp;
 * - `tail` above 5000 is a 422.
 * scenario.logs switches to the other shapes seen: headers at once, "<ts>/<seq>" ids (the OpenAPI
 * example) and the JSON snapshot prod sent on 2026-07-06 (runpod/runpod-mcp aabfd76).
 */

export interface LogRouteDeps {
  engine: SimEngine;
  options: LogRoute;
  stats: { openLogStreams: number };
  /** Extra response headers (the management API's RateLimit headers). */
  headers: Record<string, string>;
  /** Answers with a problem document. */
  fail: (status: number, detail: string, errors?: string[]) => void;
}

const NS_PER_S = 1_000_000_000n;

/** A line's timestamp in nanoseconds since the epoch, as RunPod stamps it. */
export function lineTime(l: LogLine): bigint {
  const s = BigInt(Math.floor(l.ts / 1000));
  if (l.source === "system") return s * NS_PER_S;
  return s * NS_PER_S + BigInt((l.ts % 1000) * 1_000_000 + l.ns);
}

/** RFC 3339 with the fraction Go's RFC3339Nano writes: trailing zeros trimmed, none for whole seconds. */
export function formatLineTs(l: LogLine): string {
  const t = lineTime(l);
  const secs = t / NS_PER_S;
  const frac = (t % NS_PER_S).toString().padStart(9, "0").replace(/0+$/, "");
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}${frac ? `.${frac}` : ""}Z`;
}

const TS_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})(?:\/(\d+))?$/i;

/** Parses an RFC 3339 timestamp (optionally with the "/<seq>" suffix) into ns since the epoch. */
export function parseCursor(raw: string): { time: bigint; seq: number | null } | null {
  const m = TS_RE.exec(raw.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  const frac = BigInt((m[2] ?? "").padEnd(9, "0"));
  return { time: BigInt(Math.floor(ms / 1000)) * NS_PER_S + frac, seq: m[4] !== undefined ? Number(m[4]) : null };
}

function formatEvent(l: LogLine, ids: LogRoute["eventIds"]): string {
  const ts = formatLineTs(l);
  if (ids === "timestamp_seq") {
    return `id: ${ts}/${String(l.seq).padStart(12, "0")}\ndata: ${JSON.stringify({ ts, source: l.source, line: l.line })}\n\n`;
  }
  return `id: ${ts}\ndata: ${JSON.stringify({ source: l.source, line: l.line, ts })}\n\n`;
}

export function serveWorkerLogs(deps: LogRouteDeps, req: IncomingMessage, res: ServerResponse, w: SimWorker, q: URLSearchParams) {
  const { engine, options, stats, fail } = deps;
  const source = q.get("source");
  if (source !== null && source !== "container" && source !== "system") return fail(400, "invalid query parameters", ['source must be "container" or "system"']);
  const tailRaw = q.get("tail");
  let tail = 100;
  if (tailRaw !== null) {
    tail = Number(tailRaw);
    if (!Number.isInteger(tail) || tail < 0) return fail(400, "invalid query parameters", ["tail must be an integer between 0 and 5000"]);
    if (tail > 5000) return fail(422, "tail must be at most 5000");
  }
  const sinceRaw = q.get("since");
  const since = sinceRaw !== null ? parseCursor(sinceRaw) : null;
  if (sinceRaw !== null && !since) return fail(400, "invalid query parameters", ["since must be an RFC 3339 timestamp"]);
  const lastIdRaw = req.headers["last-event-id"];
  const lastId = typeof lastIdRaw === "string" && lastIdRaw.trim() !== "" ? parseCursor(lastIdRaw) : null;

  // the snapshot shape carried both sources whatever was asked
  const wanted = (l: LogLine) => options.format === "json_snapshot" || source === null || l.source === source;
  const after = (c: { time: bigint; seq: number | null }) => (l: LogLine) =>
    options.eventIds === "timestamp_seq" && c.seq !== null ? l.seq > c.seq : lineTime(l) > c.time;
  const all = engine.logLines(w);
  const cursor = lastId ?? since;
  let replay: LogLine[];
  if (cursor) replay = all.filter((l) => after(cursor)(l) && wanted(l));
  else replay = tail === 0 ? [] : all.filter(wanted).slice(-tail);

  const sendHead = () => {
    if (res.headersSent) return;
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no", ...deps.headers });
    res.flushHeaders();
  };

  if (options.format === "json_snapshot") {
    sendHead();
    const pick = (s: LogLine["source"]) => replay.filter((l) => l.source === s).map((l) => `${formatLineTs(l)} ${l.line}`);
    res.end(JSON.stringify({ container: pick("container"), system: pick("system") }));
    return;
  }

  if (options.headers === "immediate" || replay.length) sendHead();
  if (replay.length) res.write(replay.map((l) => formatEvent(l, options.eventIds)).join(""));
  stats.openLogStreams++;
  const unsub = engine.subscribeLogs(w, (l) => {
    if (l === null) {
      // the worker is gone: end the stream (an answer without lines if none was sent yet)
      sendHead();
      res.end();
      return;
    }
    if (!wanted(l)) return;
    sendHead();
    res.write(formatEvent(l, options.eventIds));
  });
  const keepAlive = setInterval(() => {
    if (res.headersSent) res.write(": keep-alive\n\n");
  }, 15_000);
  keepAlive.unref();
  res.on("close", () => {
    stats.openLogStreams--;
    clearInterval(keepAlive);
    unsub();
  });
}
