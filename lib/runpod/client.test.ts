import { inspect } from "node:util";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createRunpodClient, type RunpodClientOptions, type RateLimitEvent } from "./client";
import { RunpodError } from "./errors";
import { caught, fakeTime, sendJson, fakeRunpodForFile } from "./test-server";
import type { Logger } from "../log";

const KEY = "rpa_TESTKEY0123456789abcdef+=";

const fake = fakeRunpodForFile();

function client(extra: Partial<RunpodClientOptions> = {}) {
  const time = fakeTime();
  const c = createRunpodClient({
    apiKey: KEY,
    apiBase: fake.url,
    restBase: fake.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    timeoutMs: 2000,
    ...extra,
  });
  return { c, time };
}

describe("jobs API shapes", () => {
  it("run posts the body with Bearer auth and parses {id,status}", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { id: "abc-u1", status: "IN_QUEUE", extra: 1 }));
    const { c } = client({ userAgent: "sweepwatch-test/1" });
    const out = await c.run("ep1", { input: { lr: 0.1 }, webhook: "http://hook/x", policy: { ttl: 60_000 } });
    expect(out).toEqual({ id: "abc-u1", status: "IN_QUEUE" });
    const r = fake.requests[0];
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/v2/ep1/run");
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["user-agent"]).toBe("sweepwatch-test/1");
    expect(JSON.parse(r.body)).toEqual({ input: { lr: 0.1 }, webhook: "http://hook/x", policy: { ttl: 60_000 } });
  });

  it("run defaults a missing status to IN_QUEUE and rejects a body without input before sending", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { id: "x-u1" }));
    const { c } = client();
    expect(await c.run("ep1", { input: {} })).toEqual({ id: "x-u1", status: "IN_QUEUE" });
    const e = await caught(c.run("ep1", {} as never));
    expect(e.kind).toBe("bad_request");
    expect(fake.requests).toHaveLength(1);
  });

  it("status parses a full document, tolerating extra fields, nulls and unknown states", async () => {
    fake.handle((req, res) => {
      if (req.path.endsWith("/j1"))
        return sendJson(res, 200, {
          id: "j1",
          status: "COMPLETED",
          delayTime: 515,
          executionTime: 7744,
          workerId: "w1",
          output: { text: "hi" },
          somethingNew: { a: 1 },
        });
      if (req.path.endsWith("/j2")) return sendJson(res, 200, { status: "PAUSED_BY_OPERATOR", delayTime: null, error: { code: 3 } });
      return sendJson(res, 200, { id: "j3", status: "FAILED", error: "executionTimeout exceeded", retries: "2" });
    });
    const { c } = client();
    const a = await c.status("ep1", "j1");
    expect(a).toEqual({
      expired: false,
      job: { id: "j1", status: "COMPLETED", delayTime: 515, executionTime: 7744, workerId: "w1", output: { text: "hi" }, error: undefined, retries: undefined },
    });
    const b = await c.status("ep1", "j2");
    expect(b.expired).toBe(false);
    expect(b.job).toMatchObject({ id: "j2", status: "PAUSED_BY_OPERATOR", error: '{"code":3}' });
    expect(b.job?.delayTime).toBeUndefined();
    const d = await c.status("ep1", "j3");
    expect(d.job).toMatchObject({ status: "FAILED", error: "executionTimeout exceeded", retries: 2 });
    expect(fake.requests[0].path).toBe("/v2/ep1/status/j1");
    expect(fake.requests[0].method).toBe("GET");
  });

  it("status maps 404 to {expired:true} without retrying", async () => {
    fake.handle((_req, res) => sendJson(res, 404, { title: "Not Found", status: 404 }));
    const { c } = client();
    expect(await c.status("ep1", "gone-u1")).toEqual({ expired: true, job: null });
    expect(fake.requests).toHaveLength(1);
  });

  it("health keeps missing counters as null ('not reported'), never 0 (docs/runpod-api.md 2.8)", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { workers: { idle: 1, running: 2, brandNew: 9 }, jobs: null }));
    const { c } = client();
    expect(await c.health("ep1")).toEqual({
      jobs: { completed: null, failed: null, inProgress: null, inQueue: null, retried: null },
      workers: { idle: 1, initializing: null, ready: null, running: 2, throttled: null, unhealthy: null },
    });
  });

  it("runSync sends ?wait and allows the wait on top of the timeout", async () => {
    fake.handle(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      sendJson(res, 200, { id: "sync-1-u1", status: "COMPLETED", output: 42 });
    });
    const { c } = client({ timeoutMs: 200 });
    const out = await c.runSync("ep1", { input: {} }, { waitMs: 1000 });
    expect(out).toMatchObject({ id: "sync-1-u1", status: "COMPLETED", output: 42 });
    expect(fake.requests[0].query.get("wait")).toBe("1000");
  });

  it("stream accepts both the {status,stream} and the bare-list shapes", async () => {
    let n = 0;
    fake.handle((_req, res) => (n++ === 0 ? sendJson(res, 200, { status: "IN_PROGRESS", stream: [{ output: "a" }] }) : sendJson(res, 200, [{ output: "b", metrics: {} }])));
    const { c } = client();
    expect(await c.stream("ep1", "j1", { waitMs: 1000 })).toEqual({ status: "IN_PROGRESS", stream: [{ output: "a" }] });
    expect(await c.stream("ep1", "j1")).toEqual({ status: undefined, stream: [{ output: "b", metrics: {} }] });
  });

  it("cancel, retry and purgeQueue hit their paths", async () => {
    fake.handle((req, res) => {
      if (req.path.includes("/cancel/")) return sendJson(res, 200, { id: "j1", status: "CANCELLED" });
      if (req.path.includes("/retry/")) return sendJson(res, 200, { status: "IN_QUEUE" });
      return sendJson(res, 200, { removed: 2, status: "completed" });
    });
    const { c } = client();
    expect(await c.cancel("ep1", "j1")).toEqual({ id: "j1", status: "CANCELLED" });
    expect(await c.retry("ep1", "j2")).toEqual({ id: "j2", status: "IN_QUEUE" });
    expect(await c.purgeQueue("ep1")).toEqual({ removed: 2, status: "completed" });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v2/ep1/cancel/j1", "POST /v2/ep1/retry/j2", "POST /v2/ep1/purge-queue"]);
  });

  it("accepts base URLs with a trailing slash or a /v2 suffix", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { jobs: {}, workers: {} }));
    const c = createRunpodClient({ apiKey: KEY, apiBase: `${fake.url}/v2/`, restBase: `${fake.url}/` });
    await c.health("ep1");
    expect(fake.requests[0].path).toBe("/v2/ep1/health");
  });

  it("refuses ids that would change the path, without echoing them", async () => {
    const { c } = client();
    const e = await caught(c.status("ep1", "../../serverless"));
    expect(e.kind).toBe("bad_request");
    expect(e.message).not.toContain("serverless");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("management API shapes", () => {
  it("listEndpoints reads the wrapped list (and a bare array), keeping extra fields", async () => {
    let n = 0;
    fake.handle((_req, res) =>
      n++ === 0
        ? sendJson(res, 200, { endpoints: [{ id: "ep1", name: "sweep", type: "QUEUE", workers: { min: 0, max: 3 }, gpu: { count: 1 } }, { id: "ep2", name: null }] })
        : sendJson(res, 200, [{ id: "ep3" }]),
    );
    const { c } = client();
    const eps = await c.listEndpoints();
    expect(eps.map((e) => e.id)).toEqual(["ep1", "ep2"]);
    expect(eps[0]).toMatchObject({ name: "sweep", type: "QUEUE", workers: { min: 0, max: 3 }, gpu: { count: 1 } });
    expect(eps[1].name).toBeNull();
    expect((await c.listEndpoints()).map((e) => e.id)).toEqual(["ep3"]);
    expect(fake.requests[0].path).toBe("/v2/serverless");
  });

  it("getEndpoint 404 is a not_found error carrying the problem document", async () => {
    fake.handle((_req, res) => sendJson(res, 404, { title: "Not Found", status: 404, detail: "resource not found", type: "about:blank" }));
    const { c } = client();
    const e = await caught(c.getEndpoint("nope"));
    expect(e.kind).toBe("not_found");
    expect(e.status).toBe(404);
    expect(e.operation).toBe("getEndpoint");
    expect(e.problem).toEqual({ title: "Not Found", status: 404, detail: "resource not found", type: "about:blank" });
  });

  it("listWorkers parses workers and summary, keeps unknown statuses, derives a missing summary", async () => {
    let n = 0;
    fake.handle((_req, res) => {
      if (n++ === 0)
        return sendJson(res, 200, {
          endpointVersion: 4,
          summary: { running: 1, idle: 0, initializing: 0, throttled: 0, unhealthy: 1, total: 2 },
          workers: [
            { id: "w1", status: "UNHEALTHY", isStale: false, version: 4, gpuCount: 1, image: "org/w:1", uptimeSeconds: 12, startedAt: "2026-06-01T12:05:00Z", future: true },
            { id: "w2", status: "RUNNING", uptimeSeconds: null },
          ],
        });
      return sendJson(res, 200, { workers: [{ id: "w3", status: "HIBERNATING" }, { id: "w4", status: "UNHEALTHY" }] });
    });
    const { c } = client();
    const a = await c.listWorkers("ep1");
    expect(a.endpointVersion).toBe(4);
    expect(a.summary).toEqual({ running: 1, idle: 0, initializing: 0, throttled: 0, unhealthy: 1, total: 2 });
    expect(a.workers[0]).toEqual({
      id: "w1",
      status: "UNHEALTHY",
      isStale: false,
      version: 4,
      gpuCount: 1,
      image: "org/w:1",
      uptimeSeconds: 12,
      gpuTypeId: null,
      dataCenterId: null,
      startedAt: "2026-06-01T12:05:00Z",
    });
    expect(a.workers[1]).toMatchObject({ id: "w2", isStale: false, uptimeSeconds: null, startedAt: null, image: null });
    const b = await c.listWorkers("ep1");
    expect(b.workers.map((w) => w.status)).toEqual(["HIBERNATING", "UNHEALTHY"]);
    expect(b.summaryDerived).toBe(true);
    expect(b.summary).toEqual({ running: 0, idle: 0, initializing: 0, throttled: 0, unhealthy: 1, total: 2 });
    expect(b.endpointVersion).toBeNull();
    expect(fake.requests[0].path).toBe("/v2/serverless/ep1/workers");
  });
});

describe("rate limits", () => {
  it("honours Retry-After on 429, then succeeds", async () => {
    let n = 0;
    fake.handle((_req, res) =>
      n++ === 0
        ? sendJson(res, 429, { title: "Too Many Requests", status: 429, detail: "rate limit exceeded for the minute window" }, { "retry-after": "2" })
        : sendJson(res, 200, { workers: [] }),
    );
    const events: RateLimitEvent[] = [];
    const { c, time } = client({ onRateLimit: (e) => events.push(e) });
    await c.listWorkers("ep1");
    expect(fake.requests).toHaveLength(2);
    expect(time.sleeps).toEqual([2000]);
    expect(events.map((e) => [e.type, e.waitMs, e.givingUp])).toEqual([
      ["429", 2000, false],
      ["throttled", 2000, false],
    ]);
    expect(c.rateLimitState().scopes.management.rateLimitedCount).toBe(1);
    expect(c.rateLimitState().total429).toBe(1);
  });

  it("retries a 429 even for /run (the server refused it) ", async () => {
    let n = 0;
    fake.handle((_req, res) => (n++ === 0 ? sendJson(res, 429, "", { "retry-after": "1" }) : sendJson(res, 200, { id: "r-u1", status: "IN_QUEUE" })));
    const { c, time } = client();
    expect((await c.run("ep1", { input: {} })).id).toBe("r-u1");
    expect(time.sleeps).toEqual([1000]);
  });

  it("fails fast with rate_limited when Retry-After is too long, and holds the scope afterwards", async () => {
    fake.handle((_req, res) => sendJson(res, 429, { title: "Too Many Requests", status: 429 }, { "retry-after": "120" }));
    const { c, time } = client({ maxRateLimitWaitMs: 10_000 });
    const e = await caught(c.health("ep1"));
    expect(e.kind).toBe("rate_limited");
    expect(e.retryAfterMs).toBe(120_000);
    expect(fake.requests).toHaveLength(1);
    // the next call on the same endpoint is refused client-side, another endpoint is not
    const e2 = await caught(c.health("ep1"));
    expect(e2.kind).toBe("rate_limited");
    expect(e2.status).toBeNull();
    expect(fake.requests).toHaveLength(1);
    expect(c.rateLimitState().scopes["jobs:ep1"].blockedUntil).toBe(time.clock() + 120_000);
    fake.handle((_req, res) => sendJson(res, 200, { jobs: {}, workers: {} }));
    await c.health("ep2");
    expect(fake.requests).toHaveLength(2);
  });

  it("tracks the quota from RateLimit headers and waits for the reset instead of earning a 429", async () => {
    fake.handle((_req, res) =>
      sendJson(res, 200, { endpoints: [] }, { "RateLimit-Policy": `"minute";q=60;w=60, "hour";q=3000;w=3600`, RateLimit: `"minute";r=0;t=12, "hour";r=2800;t=1812` }),
    );
    const events: RateLimitEvent[] = [];
    const { c, time } = client({ onRateLimit: (e) => events.push(e) });
    await c.listEndpoints();
    const s = c.rateLimitState().scopes.management;
    expect(s.remaining).toBe(0);
    expect(s.windows.map((w) => [w.name, w.limit, w.remaining])).toEqual([
      ["minute", 60, 0],
      ["hour", 3000, 2800],
    ]);
    await c.listEndpoints();
    expect(time.sleeps).toEqual([12_000]);
    expect(events[0]).toMatchObject({ type: "throttled", scope: "management", waitMs: 12_000 });
    expect(fake.requests).toHaveLength(2);
    // jobs API calls are a different budget
    fake.handle((_req, res) => sendJson(res, 200, { jobs: {}, workers: {} }));
    await c.health("ep1");
    expect(time.sleeps).toEqual([12_000]);
  });
});

describe("retries and failure kinds", () => {
  it("retries an idempotent call on 5xx with growing jittered back-off, then succeeds", async () => {
    let n = 0;
    fake.handle((_req, res) => (n++ < 2 ? sendJson(res, 503, { title: "Service Unavailable", status: 503 }) : sendJson(res, 200, { jobs: { inQueue: 3 }, workers: {} })));
    const { c, time } = client({ backoffBaseMs: 100 });
    expect((await c.health("ep1")).jobs.inQueue).toBe(3);
    expect(fake.requests).toHaveLength(3);
    // equal jitter with random()=0: half of 100, then half of 200
    expect(time.sleeps).toEqual([50, 100]);
  });

  it("gives up after the configured retries with kind server", async () => {
    fake.handle((_req, res) => sendJson(res, 500, { error: "worker crashed" }));
    const { c } = client({ retries: 2 });
    const e = await caught(c.status("ep1", "j1"));
    expect(e.kind).toBe("server");
    expect(e.status).toBe(500);
    expect(e.attempts).toBe(3);
    expect(e.problem?.detail).toBe("worker crashed");
    expect(fake.requests).toHaveLength(3);
  });

  it("never resends /run after a 5xx: kind ambiguous", async () => {
    fake.handle((_req, res) => sendJson(res, 502, "<html>bad gateway</html>"));
    const { c } = client();
    const e = await caught(c.run("ep1", { input: { trial: 1 } }));
    expect(e.kind).toBe("ambiguous");
    expect(e.reason).toBe("server");
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/may have been accepted/);
    expect(fake.requests).toHaveLength(1);
  });

  it("never resends /run after a timeout: kind ambiguous", async () => {
    fake.handle(() => undefined); // never answers
    const { c } = client({ timeoutMs: 150 });
    const e = await caught(c.run("ep1", { input: {} }));
    expect(e.kind).toBe("ambiguous");
    expect(e.reason).toBe("timeout");
    expect(fake.requests).toHaveLength(1);
  });

  it("resends /run when the connection was refused (nothing was sent)", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = http.createServer();
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const { c, time } = client({ apiBase: `http://127.0.0.1:${closedPort}`, retries: 2 });
    const e = await caught(c.run("ep1", { input: {} }));
    expect(e.kind).toBe("network");
    expect(e.attempts).toBe(3);
    expect(e.causeText).toMatch(/ECONNREFUSED/);
    expect(time.sleeps).toHaveLength(2);
  });

  it("times out an idempotent call, retries it, then reports kind timeout", async () => {
    fake.handle(() => undefined);
    const { c } = client({ timeoutMs: 100, retries: 1 });
    const e = await caught(c.health("ep1"));
    expect(e.kind).toBe("timeout");
    expect(e.attempts).toBe(2);
    await fake.waitForRequests(2);
    expect(fake.requests).toHaveLength(2);
  });

  it("turns garbage bodies into kind malformed (and ambiguous for /run)", async () => {
    fake.handle((req, res) => {
      if (req.path.endsWith("/health")) return sendJson(res, 200, "<html>not json");
      if (req.path.includes("/status/")) return sendJson(res, 200, { status: 5 });
      return sendJson(res, 200, "{truncated");
    });
    const { c } = client();
    const a = await caught(c.health("ep1"));
    expect(a.kind).toBe("malformed");
    expect(a.bodySnippet).toBe("<html>not json");
    const b = await caught(c.status("ep1", "j1"));
    expect(b.kind).toBe("malformed");
    expect(b.message).toMatch(/status/);
    const d = await caught(c.run("ep1", { input: {} }));
    expect(d.kind).toBe("ambiguous");
    expect(d.reason).toBe("malformed");
    expect(fake.requests).toHaveLength(3);
  });

  it("maps 400/401/403 to bad_request/unauthorized/forbidden without retrying", async () => {
    const codes = [400, 401, 403];
    let i = 0;
    fake.handle((_req, res) => {
      const code = codes[i++];
      sendJson(res, code, code === 400 ? { status: 400, title: "Bad Request", detail: "bad request: body: exceeded max body size of 10MB" } : { message: "nope" });
    });
    const { c } = client();
    const a = await caught(c.run("ep1", { input: {} }));
    expect([a.kind, a.problem?.detail]).toEqual(["bad_request", "bad request: body: exceeded max body size of 10MB"]);
    expect((await caught(c.health("ep1"))).kind).toBe("unauthorized");
    expect((await caught(c.listEndpoints())).kind).toBe("forbidden");
    expect(fake.requests).toHaveLength(3);
  });

  it("lets a caller's abort through as the abort reason, not as a RunpodError", async () => {
    fake.handle(() => undefined);
    const { c } = client();
    const ctl = new AbortController();
    const p = c.health("ep1", { signal: ctl.signal });
    await fake.waitForRequests(1);
    ctl.abort(new Error("shutting down"));
    await expect(p).rejects.toThrow("shutting down");
  });

  it("requires an API key and valid base URLs", () => {
    expect(() => createRunpodClient({ apiKey: "" })).toThrow(/apiKey is required/);
    expect(() => createRunpodClient({ apiKey: KEY, apiBase: "ftp://x" })).toThrow(/http/);
    expect(() => createRunpodClient({ apiKey: `${KEY}\n` })).toThrow(/whitespace/);
  });
});

describe("the API key never leaks", () => {
  function assertClean(e: RunpodError) {
    const texts = [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10 }), String(e), e.bodySnippet ?? "", JSON.stringify(e.problem)];
    for (const t of texts) {
      expect(t).not.toContain(KEY);
      expect(t).not.toContain(encodeURIComponent(KEY));
      expect(t).not.toContain("TESTKEY0123456789");
    }
  }

  it("not from a server that echoes the Authorization header and URL into its error body", async () => {
    fake.handle((req, res) =>
      sendJson(res, 401, { title: "Unauthorized", status: 401, detail: `bad credentials: ${req.headers.authorization}`, instance: req.path, errors: [String(req.headers.authorization)] }),
    );
    const { c } = client();
    const e = await caught(c.health("ep1"));
    expect(e.kind).toBe("unauthorized");
    expect(e.problem?.detail).toBe("bad credentials: Bearer [redacted]");
    assertClean(e);
  });

  it("not when the key itself is passed as an id (URL path) and the server echoes it in a 5xx text body", async () => {
    fake.handle((req, res) => sendJson(res, 500, `internal error at ${req.path} auth=${req.headers.authorization}`));
    const { c } = client({ retries: 1 });
    const e = await caught(c.status(KEY, KEY));
    expect(e.kind).toBe("server");
    expect(fake.requests[0].path).toContain(encodeURIComponent(KEY));
    expect(e.message).toContain("[redacted]");
    assertClean(e);
  });

  it("not from a fetch implementation whose network error mentions the URL and headers", async () => {
    const leakyFetch = (async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization;
      throw new TypeError(`request to ${url} failed`, { cause: Object.assign(new Error(`socket reset while sending ${auth}`), { code: "ECONNRESET" }) });
    }) as unknown as typeof fetch;
    const { c } = client({ fetch: leakyFetch, retries: 0 });
    const e = await caught(c.run(KEY, { input: {} }));
    expect(e.kind).toBe("ambiguous");
    expect(e.reason).toBe("network");
    expect(e.causeText).toContain("ECONNRESET");
    assertClean(e);
  });

  it("not in logs written while retrying (headers are never logged)", async () => {
    const lines: string[] = [];
    const capture = (m: string, f?: Record<string, unknown>) => lines.push(JSON.stringify({ m, f }));
    const logger: Logger = { debug: capture, info: capture, warn: capture, error: capture };
    let n = 0;
    fake.handle((req, res) =>
      n++ < 2 ? sendJson(res, n === 1 ? 503 : 429, { detail: String(req.headers.authorization) }, { "retry-after": "1" }) : sendJson(res, 200, { jobs: {}, workers: {} }),
    );
    const { c } = client({ logger });
    await c.health("ep1");
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).not.toContain(KEY);
      expect(l.toLowerCase()).not.toContain("authorization");
    }
  });
});
