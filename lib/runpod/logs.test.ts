import type http from "node:http";
import { describe, expect, it } from "vitest";
import { createRunpodClient } from "./client";
import { RunpodError } from "./errors";
import { canonicalLogTs, parseLogSnapshot, toLogLine } from "./logs";
import { sendJson, startFakeRunpod, type RecordedRequest, fakeRunpodForFile } from "./test-server";

const KEY = "rpa_LOGSKEY_abcdef0123456789";

const fake = fakeRunpodForFile();

const client = () => createRunpodClient({ apiKey: KEY, apiBase: fake.url, restBase: fake.url, timeoutMs: 2000, retries: 1, sleep: async () => undefined });

/** The worker's log history as production stamps it: ids are the bare ts, whole seconds for system lines (not unique). */
const HISTORY = [
  { id: "2026-06-01T12:05:00Z", source: "system", line: "start container" },
  { id: "2026-06-01T12:05:01.100000001Z", source: "container", line: "terminate called after throwing an instance of 'std::runtime_error'" },
  { id: "2026-06-01T12:05:01.100000002Z", source: "container", line: "  what():  random_device could not be read" },
  { id: "2026-06-01T12:05:04Z", source: "system", line: "start container" },
];

function sseHead(res: http.ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
}

function sseEvent(e: { id: string; source: string; line: string }) {
  return `id: ${e.id}\ndata: ${JSON.stringify({ source: e.source, line: e.line, ts: e.id.split("/")[0] })}\n\n`;
}

/**
 * Serves HISTORY like RunPod: Last-Event-ID beats since beats tail, both resume exclusively after that
 * timestamp; no headers until there is a line; the stream then stays open.
 */
function serveHistory(opts: { end?: boolean } = {}) {
  fake.handle((req: RecordedRequest, res) => {
    const source = req.query.get("source");
    const rows = HISTORY.filter((h) => !source || h.source === source);
    const last = req.headers["last-event-id"];
    const cursor = typeof last === "string" ? last : req.query.get("since");
    let from = 0;
    if (cursor !== null) from = rows.findIndex((r) => canonicalLogTs(r.id)! > canonicalLogTs(cursor)!);
    else if (req.query.get("tail") !== null) from = Math.max(0, rows.length - Number(req.query.get("tail")));
    if (from < 0) return; // quiet: nothing to send, so no headers either
    sseHead(res);
    res.write(": comment lines are ignored\n\n");
    for (const r of rows.slice(from)) res.write(sseEvent(r));
    if (opts.end) res.end();
  });
}

describe("worker log stream", () => {
  it("reads the replay for a bounded time, then stops with the last cursor", async () => {
    serveHistory();
    const c = client();
    const out = await c.workerLogs("ep1", "w1", { tail: 100, maxDurationMs: 500 });
    expect(out.endedBy).toBe("duration");
    expect(out.lines.map((l) => l.text)).toEqual(HISTORY.map((h) => h.line));
    expect(out.lines[1]).toEqual({
      id: HISTORY[1].id,
      ts: HISTORY[1].id,
      source: "container",
      text: HISTORY[1].line,
      workerId: null,
    });
    expect(out.lastEventId).toBe(HISTORY[3].id);
    const r = fake.requests[0];
    expect(r.path).toBe("/v2/serverless/ep1/workers/w1/logs");
    expect(r.query.get("tail")).toBe("100");
    expect(r.headers.accept).toBe("text/event-stream");
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("resumes after Last-Event-ID (exclusive on RunPod) and passes every line on, even ones sharing an id", async () => {
    serveHistory();
    const c = client();
    const out = await c.workerLogs("ep1", "w1", { lastEventId: HISTORY[1].id, tail: 100, since: "2026-01-01T00:00:00Z", maxDurationMs: 5000, idleMs: 200 });
    expect(out.lines.map((l) => l.id)).toEqual([HISTORY[2].id, HISTORY[3].id]);
    expect(out.lastEventId).toBe(HISTORY[3].id);
    const r = fake.requests[0];
    expect(r.headers["last-event-id"]).toBe(HISTORY[1].id);
    // the cursor beats tail and since, so they are not sent
    expect(r.query.get("tail")).toBeNull();
    expect(r.query.get("since")).toBeNull();
  });

  it("filters by source; a quiet stream (no headers within the window) is no new lines, one request, no retry, no error", async () => {
    serveHistory();
    const c = client();
    const sys = await c.workerLogs("ep1", "w1", { source: "system", maxDurationMs: 5000, idleMs: 200 });
    expect(sys.lines.map((l) => l.source)).toEqual(["system", "system"]);
    expect(fake.requests[0].query.get("source")).toBe("system");
    fake.requests.length = 0;
    // retries: 1 and a 2 s client timeout: the quiet read still costs exactly one request and the window only
    const none = await c.workerLogs("ep1", "w1", { lastEventId: HISTORY[3].id, maxDurationMs: 5000, connectTimeoutMs: 200 });
    expect(none).toEqual({ lines: [], lastEventId: HISTORY[3].id, endedBy: "quiet" });
    expect(fake.requests).toHaveLength(1);
  });

  it("a refused connection and a non-2xx answer stay errors", async () => {
    const closed = await startFakeRunpod();
    const url = closed.url;
    await closed.close();
    const refused = createRunpodClient({ apiKey: KEY, restBase: url, retries: 0, timeoutMs: 2000 });
    const e = (await refused.workerLogs("ep1", "w1", { maxDurationMs: 1000 }).catch((x: unknown) => x)) as RunpodError;
    expect(e).toBeInstanceOf(RunpodError);
    expect(e.kind).toBe("network");
    fake.handle((_req, res) => sendJson(res, 503, { title: "Service Unavailable", status: 503, detail: "log store unavailable" }));
    const s = (await client().workerLogs("ep1", "w1", { maxDurationMs: 1000 }).catch((x: unknown) => x)) as RunpodError;
    expect(s.kind).toBe("server");
    expect(s.status).toBe(503);
  });

  it("ends early on idle, on end of stream, and on the line limit without skipping lines", async () => {
    serveHistory();
    const c = client();
    const idle = await c.workerLogs("ep1", "w1", { maxDurationMs: 10_000, idleMs: 100 });
    expect(idle.endedBy).toBe("idle");
    expect(idle.lines).toHaveLength(4);

    const limited = await c.workerLogs("ep1", "w1", { maxDurationMs: 10_000, maxLines: 2 });
    expect(limited.endedBy).toBe("limit");
    expect(limited.lines).toHaveLength(2);
    expect(limited.lastEventId).toBe(HISTORY[1].id);

    serveHistory({ end: true });
    const eof = await c.workerLogs("ep1", "w1", { maxDurationMs: 10_000 });
    expect(eof.endedBy).toBe("eof");
    expect(eof.lines).toHaveLength(4);
  });

  it("keeps non-JSON data as text, skips heartbeats, takes ts from the id", async () => {
    fake.handle((_req, res) => {
      sseHead(res);
      res.write("event: ping\ndata: {}\n\n");
      res.write("id: 2026-06-01T12:06:00Z/9\ndata: plain text line\n\n");
      res.write(`id: opaque-7\ndata: {"message":"other field name","source":"container","workerId":"w1","level":"INFO"}\n\n`);
      res.end();
    });
    const out = await client().workerLogs("ep1", "w1", { source: "container" });
    expect(out.lines).toEqual([
      { id: "2026-06-01T12:06:00Z/9", ts: "2026-06-01T12:06:00Z", source: "container", text: "plain text line", workerId: null },
      { id: "opaque-7", ts: null, source: "container", text: "other field name", workerId: "w1" },
    ]);
    expect(out.lastEventId).toBe("opaque-7");
  });

  it("as an async iterator: stopping early closes the connection", async () => {
    serveHistory();
    const closedBefore = fake.closedConnections();
    const it = client().streamWorkerLogs("ep1", "w1", { maxDurationMs: 10_000 });
    const first = await it.next();
    expect(first.done).toBe(false);
    const end = await it.return(undefined as never);
    expect(end.done).toBe(true);
    await expect.poll(() => fake.closedConnections()).toBeGreaterThan(closedBefore);
  });

  it("returns lines read before the connection broke, with endedBy error", async () => {
    fake.handle((_req, res) => {
      sseHead(res);
      res.write(sseEvent(HISTORY[0]));
      res.write(sseEvent(HISTORY[1]));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const out = await client().workerLogs("ep1", "w1", { maxDurationMs: 5000 });
    expect(out.endedBy).toBe("error");
    expect(out.lines).toHaveLength(2);
    expect(out.lastEventId).toBe(HISTORY[1].id);
    expect(out.error).toBeInstanceOf(RunpodError);
  });

  it("maps error statuses and a non-SSE 200 to RunpodError kinds", async () => {
    let n = 0;
    fake.handle((_req, res) => (n++ === 0 ? sendJson(res, 404, { title: "Not Found", status: 404, detail: "worker not found" }) : sendJson(res, 200, { not: "sse" })));
    const c = client();
    const a = await c.workerLogs("ep1", "gone").catch((e: unknown) => e);
    expect(a).toBeInstanceOf(RunpodError);
    expect((a as RunpodError).kind).toBe("not_found");
    expect((a as RunpodError).operation).toBe("workerLogs");
    const b = await c.workerLogs("ep1", "w1").catch((e: unknown) => e);
    expect((b as RunpodError).kind).toBe("malformed");
  });

  it("waits for headers no longer than the duration budget, then ends quiet", async () => {
    fake.handle(() => undefined);
    const c = createRunpodClient({ apiKey: KEY, restBase: fake.url, retries: 3, timeoutMs: 5000 });
    const out = await c.workerLogs("ep1", "w1", { maxDurationMs: 150 });
    expect(out).toEqual({ lines: [], lastEventId: null, endedBy: "quiet" });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("parseLogSnapshot and canonicalLogTs", () => {
  it("reads the JSON snapshot shape, filters the source client-side and merges by time", () => {
    const body = JSON.stringify({ container: ["2026-07-06T15:24:56.5Z b", "no-timestamp"], system: ["2026-07-06T15:24:56Z a"] });
    expect(parseLogSnapshot(body)?.map((l) => [l.source, l.ts, l.text])).toEqual([
      ["container", null, "no-timestamp"],
      ["system", "2026-07-06T15:24:56Z", "a"],
      ["container", "2026-07-06T15:24:56.5Z", "b"],
    ]);
    expect(parseLogSnapshot(body, "system")?.map((l) => l.text)).toEqual(["a"]);
    expect(parseLogSnapshot('{"container":[')).toBeNull();
    expect(parseLogSnapshot('{"other":1}')).toBeNull();
  });

  it("spells one instant one way", () => {
    expect(canonicalLogTs("2026-07-06T15:24:58.7Z")).toBe("2026-07-06T15:24:58.700000000Z");
    expect(canonicalLogTs("2026-07-06T17:24:58.700000000+02:00")).toBe("2026-07-06T15:24:58.700000000Z");
    expect(canonicalLogTs("2026-08-13T18:05:46Z")).toBe("2026-08-13T18:05:46.000000000Z");
    expect(canonicalLogTs("2026-06-01T12:05:04Z/000000000042")).toBeNull();
    expect(canonicalLogTs("yesterday")).toBeNull();
  });
});

describe("toLogLine", () => {
  it("uses the fallback source and ignores empty data", () => {
    expect(toLogLine({ data: "", id: undefined, event: undefined }, "system")).toBeNull();
    expect(toLogLine({ data: '{"line":"x"}', id: undefined, event: undefined }, "system")).toEqual({ id: null, ts: null, source: "system", text: "x", workerId: null });
  });
});
