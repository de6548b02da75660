import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import type { ScenarioInput } from "./scenario";
import { authHeaders, waitFor } from "./testing";

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-u1$/;
const SYNC_ID = /^sync-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-u1$/;

const base: ScenarioInput = {
  name: "jobs-contract",
  endpoints: [
    { id: "ep-ok", workers: { min: 1, max: 2, idleTimeout: 60 }, coldStartMs: 1000, jobDurationMs: 5000, streamChunks: 2, objective: { function: "branin", noise: 0 } },
    { id: "ep-other", workers: { min: 0, max: 1 }, coldStartMs: 1000, jobDurationMs: 5000 },
    { id: "ep-dead", workers: { min: 1, max: 1 }, behaviour: { type: "no_capacity", mode: "throttled" } },
  ],
};

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

async function start(s: ScenarioInput = base, extra: Parameters<typeof startSimulator>[0] = {}) {
  sim = await startSimulator({ scenario: s, seed: 7, ...extra });
  return sim;
}

async function call(method: string, path: string, body?: unknown, headers = authHeaders(sim)) {
  const r = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, json: json as Record<string, unknown>, text };
}

const branin = { x1: Math.PI, x2: 2.275 };

describe("jobs API: auth", () => {
  it("answers 401 without a key or with a wrong key, accepts Bearer and the bare key", async () => {
    await start();
    const none = await call("GET", "/v2/ep-ok/health", undefined, {});
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ status: 401, title: "Unauthorized" });
    expect((await call("GET", "/v2/ep-ok/health", undefined, { Authorization: "Bearer nope" })).status).toBe(401);
    expect((await call("GET", "/v2/ep-ok/health", undefined, { Authorization: "Bearer sim-local-key" })).status).toBe(200);
    expect((await call("GET", "/v2/ep-ok/health", undefined, { Authorization: "sim-local-key" })).status).toBe(200);
  });

  it("never echoes the key in error bodies", async () => {
    await start();
    const r = await call("GET", "/v2/ep-ok/health", undefined, { Authorization: "Bearer leaked-secret-123" });
    expect(r.text).not.toContain("leaked-secret-123");
  });
});

describe("jobs API: run, status, runsync", () => {
  it("/run returns {id, status: IN_QUEUE} with a RunPod-shaped id, then the job completes with the objective", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: branin });
    expect(run.status).toBe(200);
    expect(run.headers.get("content-type")).toContain("application/json");
    expect(Object.keys(run.json).sort()).toEqual(["id", "status"]);
    expect(run.json.status).toBe("IN_QUEUE");
    expect(run.json.id).toMatch(RUN_ID);
    const id = run.json.id as string;

    expect((await call("GET", `/v2/ep-ok/status/${id}`)).json).toEqual({ id, status: "IN_QUEUE" });
    sim.advance(1000); // cold start of the min worker is over → job picked up
    const prog = await call("GET", `/v2/ep-ok/status/${id}`);
    expect(prog.json).toMatchObject({ id, status: "IN_PROGRESS", delayTime: 1000 });
    expect(prog.json.workerId).toMatch(/^[a-z0-9]{14}$/);
    sim.advance(5000);
    const done = await call("POST", `/v2/ep-ok/status/${id}`); // POST is accepted too
    expect(done.json).toMatchObject({ id, status: "COMPLETED", delayTime: 1000, executionTime: 5000, workerId: prog.json.workerId });
    const out = done.json.output as Record<string, number>;
    expect(out.loss).toBeCloseTo(0.397887, 5);
    expect(out.accuracy).toBeCloseTo(1, 5);
  });

  it("accepts parameters nested under input.params", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: { params: { x1: 9.42478, x2: 2.475 }, trial: 3 } });
    sim.advance(6000);
    const done = await call("GET", `/v2/ep-ok/status/${run.json.id}`);
    expect((done.json.output as { loss: number }).loss).toBeCloseTo(0.397887, 5);
  });

  it("a handler error (missing objective key) ends FAILED with runpod-python's JSON error string", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: { x1: 1 } });
    sim.advance(6000);
    const done = await call("GET", `/v2/ep-ok/status/${run.json.id}`);
    expect(done.json.status).toBe("FAILED");
    const err = JSON.parse(done.json.error as string);
    expect(err).toMatchObject({ error_type: "<class 'KeyError'>", error_message: "'x2'", runpod_version: "1.12.0" });
    expect(err.worker_id).toBe(done.json.workerId);
  });

  it("/runsync returns the full status document when the job finishes within wait", async () => {
    await start();
    const p = call("POST", "/v2/ep-ok/runsync?wait=30000", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    sim.advance(6000);
    const r = await p;
    expect(r.status).toBe(200);
    expect(r.json.id).toMatch(SYNC_ID);
    expect(r.json).toMatchObject({ status: "COMPLETED", delayTime: 1000, executionTime: 5000 });
  });

  it("/runsync returns {id, status} when wait expires first, and the job goes on", async () => {
    await start();
    const p = call("POST", "/v2/ep-ok/runsync?wait=2000", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    sim.advance(2000);
    const r = await p;
    expect(r.json).toMatchObject({ status: "IN_PROGRESS" });
    expect(r.json.id).toMatch(SYNC_ID);
    expect(r.json.output).toBeUndefined();
    sim.advance(4000);
    expect((await call("GET", `/v2/ep-ok/status/${r.json.id}`)).json.status).toBe("COMPLETED");
  });

  it("/runsync clamps wait to at least 1000 ms", async () => {
    await start(base);
    const p = call("POST", "/v2/ep-dead/runsync?wait=1", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    sim.advance(999);
    expect(sim.stats.openHolds).toBe(1);
    sim.advance(1);
    expect((await p).json.status).toBe("IN_QUEUE");
  });

  it("/status-sync holds until the job is terminal", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: branin });
    const p = call("GET", `/v2/ep-ok/status-sync/${run.json.id}?wait=60000`);
    await waitFor(() => sim.stats.openHolds === 1, 5000, "status-sync hold");
    sim.advance(3000);
    expect(sim.stats.openHolds).toBe(1);
    sim.advance(3000);
    expect((await p).json.status).toBe("COMPLETED");
  });

  it("a job id is only valid on the endpoint that created it; unknown ids and endpoints are 404", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: branin });
    expect((await call("GET", `/v2/ep-other/status/${run.json.id}`)).status).toBe(404);
    expect((await call("GET", `/v2/ep-ok/status/nope-u1`)).status).toBe(404);
    expect((await call("GET", `/v2/no-such-endpoint/health`)).status).toBe(404);
    expect((await call("POST", `/v2/no-such-endpoint/run`, { input: {} })).status).toBe(404);
  });

  it("rejects bad bodies with 400 and the observed problem shape, and wrong methods with 405", async () => {
    await start();
    const bad = await call("POST", "/v2/ep-ok/run", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 400, title: "Bad Request" });
    expect((await call("POST", "/v2/ep-ok/run", { notInput: 1 })).status).toBe(400);
    expect((await call("POST", "/v2/ep-ok/run", { input: {}, policy: { executionTimeout: 1000 } })).status).toBe(400);
    expect((await call("POST", "/v2/ep-ok/run", { input: {}, policy: { ttl: 5000 } })).status).toBe(400);
    expect((await call("POST", "/v2/ep-ok/run", { input: {}, webhook: "ftp://x" })).status).toBe(400);
    expect((await call("GET", "/v2/ep-ok/run")).status).toBe(405);
    expect((await call("POST", "/v2/ep-ok/health")).status).toBe(405);
    expect(sim.state.jobs.size).toBe(0);
  });

  it("rejects a /run body over 10 MB with the observed 400 detail", async () => {
    await start();
    const big = JSON.stringify({ input: { blob: "x".repeat(10 * 1024 * 1024) } });
    const r = await call("POST", "/v2/ep-ok/run", big);
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/^bad request: body: exceeded max body size of/);
  });
});

describe("jobs API: stream, cancel, retry, purge-queue, health", () => {
  it("/stream drains chunks produced since the last call and reports the status", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: branin });
    const id = run.json.id as string;
    sim.advance(1000 + 5000 / 3); // first chunk at duration/3
    const first = await call("GET", `/v2/ep-ok/stream/${id}`);
    expect(first.json).toEqual({ status: "IN_PROGRESS", stream: [{ output: { epoch: 1, progress: 0.333 } }] });
    const p = call("GET", `/v2/ep-ok/stream/${id}?wait=5000`);
    await waitFor(() => sim.stats.openHolds === 1, 5000, "stream hold");
    sim.advance(5000 / 3);
    expect((await p).json).toEqual({ status: "IN_PROGRESS", stream: [{ output: { epoch: 2, progress: 0.667 } }] });
    sim.advance(5000);
    const last = await call("GET", `/v2/ep-ok/stream/${id}`);
    expect(last.json.status).toBe("COMPLETED");
    expect(last.json.stream).toHaveLength(1);
    expect((await call("GET", `/v2/ep-ok/stream/${id}`)).json).toEqual({ status: "COMPLETED", stream: [] });
  });

  it("cancels queued and running jobs; the running job's worker restarts", async () => {
    await start();
    const a = await call("POST", "/v2/ep-dead/run", { input: branin });
    const c1 = await call("POST", `/v2/ep-dead/cancel/${a.json.id}`);
    expect(c1.json).toEqual({ id: a.json.id, status: "CANCELLED" });
    expect((await call("GET", "/v2/ep-dead/health")).json).toMatchObject({ jobs: { inQueue: 0 } });

    const b = await call("POST", "/v2/ep-ok/run", { input: branin });
    sim.advance(1500);
    const w = sim.state.getEndpoint("ep-ok")!.workers.get((await call("GET", `/v2/ep-ok/status/${b.json.id}`)).json.workerId as string)!;
    const startedBefore = w.startedAt;
    expect((await call("POST", `/v2/ep-ok/cancel/${b.json.id}`)).json).toEqual({ id: b.json.id, status: "CANCELLED" });
    expect(w.status).toBe("INITIALIZING");
    expect(w.startedAt).toBeGreaterThan(startedBefore!);
    sim.advance(10_000);
    expect((await call("GET", `/v2/ep-ok/status/${b.json.id}`)).json.status).toBe("CANCELLED");
    expect((await call("POST", `/v2/ep-ok/cancel/unknown-u1`)).status).toBe(404);
  });

  it("retries only FAILED or TIMED_OUT jobs, keeping the id", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: { x1: 1 } });
    const id = run.json.id as string;
    expect((await call("POST", `/v2/ep-ok/retry/${id}`)).status).toBe(400); // still queued
    sim.advance(6000);
    expect((await call("GET", `/v2/ep-ok/status/${id}`)).json.status).toBe("FAILED");
    const r = await call("POST", `/v2/ep-ok/retry/${id}`);
    expect(r.json).toEqual({ id, status: "IN_QUEUE" });
    const st = await call("GET", `/v2/ep-ok/status/${id}`);
    expect(st.json).toMatchObject({ id, status: "IN_PROGRESS", retries: 1 }); // the idle worker took it again
    expect(st.json.error).toBeUndefined();
    expect((await call("GET", "/v2/ep-ok/health")).json).toMatchObject({ jobs: { retried: 1 } });
  });

  it("/purge-queue removes queued jobs only", async () => {
    await start();
    const running = await call("POST", "/v2/ep-ok/run", { input: branin });
    sim.advance(1000);
    for (let i = 0; i < 3; i++) await call("POST", "/v2/ep-dead/run", { input: branin });
    const q1 = await call("POST", "/v2/ep-ok/run", { input: branin });
    const q2 = await call("POST", "/v2/ep-ok/run", { input: branin });
    // ep-ok: one running, the second worker is cold-starting, two queued
    const r = await call("POST", "/v2/ep-ok/purge-queue");
    expect(r.json).toEqual({ removed: 2, status: "completed" });
    expect((await call("GET", `/v2/ep-ok/status/${q1.json.id}`)).status).toBe(404);
    expect((await call("GET", `/v2/ep-ok/status/${q2.json.id}`)).status).toBe(404);
    expect((await call("GET", `/v2/ep-ok/status/${running.json.id}`)).json.status).toBe("IN_PROGRESS");
    expect((await call("GET", "/v2/ep-dead/health")).json).toMatchObject({ jobs: { inQueue: 3 } });
  });

  it("/health sends what RunPod documents by default; health.counters: all adds every worker counter", async () => {
    await start();
    expect((await call("GET", "/v2/ep-dead/health")).json).toEqual({
      jobs: { completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0 },
      workers: { idle: 0, running: 0 },
    });
    await sim.close();
    await start({ ...base, health: { counters: "all" } });
    const h = await call("GET", "/v2/ep-dead/health");
    expect(h.json).toEqual({
      jobs: { completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0 },
      workers: { idle: 0, initializing: 0, ready: 0, running: 0, throttled: 1, unhealthy: 0 },
    });
    sim.advance(1000);
    expect((await call("GET", "/v2/ep-ok/health")).json).toMatchObject({ workers: { idle: 1, ready: 1 } });
  });
});

describe("jobs API: timeouts, TTL and retention", () => {
  it("executionTimeout → FAILED 'executionTimeout exceeded' and the worker restarts", async () => {
    await start({ endpoints: [{ id: "slow", workers: { min: 1, max: 1 }, coldStartMs: 1000, jobDurationMs: 60_000 }] });
    const run = await call("POST", "/v2/slow/run", { input: branin, policy: { executionTimeout: 10_000 } });
    sim.advance(1000);
    const wid = (await call("GET", `/v2/slow/status/${run.json.id}`)).json.workerId as string;
    sim.advance(10_000);
    const st = await call("GET", `/v2/slow/status/${run.json.id}`);
    expect(st.json).toMatchObject({ status: "FAILED", error: "executionTimeout exceeded", executionTime: 10_000 });
    expect(sim.state.getEndpoint("slow")!.workers.get(wid)!.status).toBe("INITIALIZING");
  });

  it("a queued job past its ttl becomes TIMED_OUT, then 404 after the 30-min retention", async () => {
    await start();
    const run = await call("POST", "/v2/ep-dead/run", { input: branin, policy: { ttl: 60_000 } });
    sim.advance(59_999);
    expect((await call("GET", `/v2/ep-dead/status/${run.json.id}`)).json.status).toBe("IN_QUEUE");
    sim.advance(1);
    expect((await call("GET", `/v2/ep-dead/status/${run.json.id}`)).json.status).toBe("TIMED_OUT");
    sim.advance(30 * 60_000 - 1);
    expect((await call("GET", `/v2/ep-dead/status/${run.json.id}`)).status).toBe(200);
    sim.advance(1);
    expect((await call("GET", `/v2/ep-dead/status/${run.json.id}`)).status).toBe(404);
  });

  it("ttlExpiredInQueue: REMOVE makes an expired queued job disappear at once", async () => {
    await start({ ...base, jobs: { ttlExpiredInQueue: "REMOVE" } });
    const run = await call("POST", "/v2/ep-dead/run", { input: branin, policy: { ttl: 10_000 } });
    sim.advance(10_000);
    expect((await call("GET", `/v2/ep-dead/status/${run.json.id}`)).status).toBe(404);
  });

  it("ttl expiring while the job runs removes it immediately (404)", async () => {
    await start({ endpoints: [{ id: "slow", workers: { min: 1, max: 1 }, coldStartMs: 1000, jobDurationMs: 60_000 }] });
    const run = await call("POST", "/v2/slow/run", { input: branin, policy: { ttl: 20_000 } });
    sim.advance(5000);
    expect((await call("GET", `/v2/slow/status/${run.json.id}`)).json.status).toBe("IN_PROGRESS");
    sim.advance(15_000);
    expect((await call("GET", `/v2/slow/status/${run.json.id}`)).status).toBe(404);
    expect((await call("GET", "/v2/slow/health")).json).toMatchObject({ jobs: { inProgress: 0 }, workers: { idle: 1 } });
  });

  it("/run results are kept 30 minutes, /runsync results 1 minute", async () => {
    await start();
    const run = await call("POST", "/v2/ep-ok/run", { input: branin });
    const p = call("POST", "/v2/ep-ok/runsync?wait=1000", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    sim.advance(1000);
    const syncId = (await p).json.id as string;
    sim.advance(5000); // both done at t=6000 (two workers? second one cold-starts: allow time)
    sim.advance(5000);
    expect((await call("GET", `/v2/ep-ok/status/${syncId}`)).json.status).toBe("COMPLETED");
    sim.advance(60_000);
    expect((await call("GET", `/v2/ep-ok/status/${syncId}`)).status).toBe(404);
    expect((await call("GET", `/v2/ep-ok/status/${run.json.id}`)).json.status).toBe("COMPLETED");
    sim.advance(30 * 60_000);
    expect((await call("GET", `/v2/ep-ok/status/${run.json.id}`)).status).toBe(404);
  });
});

describe("jobs API: rate limits", () => {
  it("answers 429 with Retry-After past the per-operation limit in a 10-s window", async () => {
    await start();
    expect((await call("POST", "/v2/ep-ok/purge-queue")).status).toBe(200);
    expect((await call("POST", "/v2/ep-ok/purge-queue")).status).toBe(200);
    const third = await call("POST", "/v2/ep-ok/purge-queue");
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("10");
    expect(third.json).toMatchObject({ status: 429, title: "Too Many Requests" });
    sim.advance(10_000);
    expect((await call("POST", "/v2/ep-ok/purge-queue")).status).toBe(200);
    // limits are per endpoint
    expect((await call("POST", "/v2/ep-other/purge-queue")).status).toBe(200);
  });

  it("/run allows the documented 1000 per 10 s by default", async () => {
    await start();
    const codes: number[] = [];
    const body = JSON.stringify({ input: branin });
    for (let batch = 0; batch < 1001; batch += 50) {
      const n = Math.min(50, 1001 - batch);
      const rs = await Promise.all(Array.from({ length: n }, () => fetch(`${sim.url}/v2/ep-dead/run`, { method: "POST", headers: authHeaders(sim), body })));
      for (const r of rs) {
        codes.push(r.status);
        await r.arrayBuffer();
      }
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(1000);
    expect(codes.filter((c) => c === 429)).toHaveLength(1);
  });

  it("the dynamic limit is max(base, running workers x perWorker)", async () => {
    await start({ endpoints: [{ id: "d", workers: { min: 2, max: 2 }, coldStartMs: 1000, jobDurationMs: 60_000 }], rateLimits: { jobs: { perWorker: 3 } } });
    await call("POST", "/v2/d/run", { input: branin });
    await call("POST", "/v2/d/run", { input: branin });
    sim.advance(10_000); // both workers RUNNING, fresh window
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await call("POST", "/v2/d/purge-queue")).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 429, 429]); // 2 running x 3 = 6 > base 2
  });

  it("caps concurrent held requests per operation", async () => {
    await start({ ...base, rateLimits: { jobs: { runsync: { requests: 100, concurrent: 1 } } } });
    const first = call("POST", "/v2/ep-dead/runsync?wait=5000", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    const second = await call("POST", "/v2/ep-dead/runsync?wait=5000", { input: branin });
    expect(second.status).toBe(429);
    sim.advance(5000);
    expect((await first).status).toBe(200);
    const p = call("POST", "/v2/ep-dead/runsync?wait=1000", { input: branin });
    await waitFor(() => sim.stats.openHolds === 1, 5000, "runsync hold");
    sim.advance(1000);
    expect((await p).status).toBe(200);
  });

  it("/run is limited per endpoint with a configurable limit", async () => {
    await start({ ...base, rateLimits: { jobs: { run: { requests: 5, concurrent: null } } } });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await call("POST", "/v2/ep-dead/run", { input: branin })).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(sim.state.getEndpoint("ep-dead")!.inQueue).toBe(5);
  });

  it("the optional queue-size rule rejects submissions past max(50, workersMax*500)", async () => {
    await start({ endpoints: [{ id: "q", workers: { min: 0, max: 0 } }], rateLimits: { jobs: { queueSizeRule: true } } });
    for (let i = 0; i < 51; i++) expect((await call("POST", "/v2/q/run", { input: branin })).status).toBe(200);
    expect((await call("POST", "/v2/q/run", { input: branin })).status).toBe(429);
  });
});

describe("webhooks", () => {
  it("POSTs the status document plus input and webhook; retries twice 10 s apart on failure", async () => {
    const received: { at: number; body: Record<string, unknown> }[] = [];
    let fail = 2;
    const hook = http.createServer((req, res) => {
      let b = "";
      req.on("data", (c) => (b += c));
      req.on("end", () => {
        received.push({ at: sim.clock.now(), body: JSON.parse(b) });
        res.writeHead(fail-- > 0 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/cb?token=t`;
    try {
      await start();
      const run = await call("POST", "/v2/ep-ok/run", { input: branin, webhook: hookUrl });
      sim.advance(6000);
      await sim.flush();
      sim.advance(10_000);
      await sim.flush();
      sim.advance(10_000);
      await sim.flush();
      sim.advance(60_000);
      await sim.flush();
      expect(received).toHaveLength(3);
      expect(received.map((r) => r.at - received[0].at)).toEqual([0, 10_000, 20_000]);
      expect(received[0].body).toMatchObject({ id: run.json.id, status: "COMPLETED", input: branin, webhook: hookUrl });
      expect(sim.state.webhookDeliveries.map((d) => d.ok)).toEqual([false, false, true]);
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });
});
