import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import type { ScenarioInput } from "./scenario";
import { authHeaders, openSse, waitFor, type SseSession } from "./testing";

const scenario: ScenarioInput = {
  name: "mgmt-contract",
  endpoints: [
    {
      id: "ep-crash",
      image: "acme/tf:2.19.0",
      workers: { min: 1, max: 1 },
      coldStartMs: 5000,
      restartMs: 1000,
      behaviour: { type: "crash_loop", crash: "random_device", crashAfterMs: 3000, backoff: { initialMs: 10_000, factor: 2, maxMs: 40_000 } },
    },
    { id: "ep-ok", name: "healthy one", workers: { min: 2, max: 3, idleTimeout: 30 }, coldStartMs: 1000 },
  ],
};

let sim: Simulator;
const sessions: SseSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.close();
  await sim?.close();
});

async function start(s: ScenarioInput = scenario) {
  sim = await startSimulator({ scenario: s, seed: 3 });
  return sim;
}

async function get(path: string, headers: Record<string, string> = authHeaders(sim)) {
  const r = await fetch(`${sim.url}${path}`, { headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: JSON.parse(text) as Record<string, unknown> };
}

async function sse(path: string, extra: Record<string, string> = {}) {
  const s = await openSse(`${sim.url}${path}`, authHeaders(sim, extra));
  sessions.push(s);
  return s;
}

const lines = (events: { data: string }[]) => events.map((e) => JSON.parse(e.data) as { ts: string; source: string; line: string });

describe("management API v2: endpoints and workers", () => {
  it("GET /v2/serverless wraps endpoints in {endpoints: [...]} with requestUrls on the same base URL", async () => {
    await start();
    const r = await get("/v2/serverless");
    expect(r.status).toBe(200);
    const eps = r.json.endpoints as Record<string, unknown>[];
    expect(eps.map((e) => e.id)).toEqual(["ep-crash", "ep-ok"]);
    expect(eps[1]).toMatchObject({
      id: "ep-ok",
      name: "healthy one",
      type: "QUEUE",
      workers: { min: 2, max: 3, idleTimeout: 30 },
      timeout: 600_000,
      requestUrls: { run: `${sim.url}/v2/ep-ok/run`, health: `${sim.url}/v2/ep-ok/health`, purgeQueue: `${sim.url}/v2/ep-ok/purge-queue` },
    });
    expect(typeof eps[1].createdAt).toBe("string");
    expect((await get("/v2/serverless/ep-ok")).json).toEqual(eps[1]);
  });

  it("401/404/405 are RFC 9457 problem documents; the bare key is not enough here", async () => {
    await start();
    for (const headers of [{}, { Authorization: "Bearer wrong" }, { Authorization: sim.apiKey }] as Record<string, string>[]) {
      const r = await get("/v2/serverless", headers);
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.json).toMatchObject({ title: "Unauthorized", status: 401 });
    }
    const nf = await get("/v2/serverless/nope");
    expect(nf.status).toBe(404);
    expect(nf.json).toEqual({ title: "Not Found", status: 404, detail: "resource not found" });
    expect(nf.headers.get("content-type")).toBe("application/problem+json");
    const del = await fetch(`${sim.url}/v2/serverless/ep-ok`, { method: "DELETE", headers: authHeaders(sim) });
    expect(del.status).toBe(405);
  });

  it("lists workers with the v2 Worker fields, a summary whose total equals the list, and endpointVersion", async () => {
    await start();
    sim.advance(1000);
    const r = await get("/v2/serverless/ep-ok/workers");
    const workers = r.json.workers as Record<string, unknown>[];
    expect(workers).toHaveLength(2);
    for (const w of workers) {
      expect(Object.keys(w).sort()).toEqual(["dataCenterId", "gpuCount", "gpuTypeId", "id", "image", "isStale", "startedAt", "status", "uptimeSeconds", "version"]);
      expect(w.id).toMatch(/^[a-z0-9]{14}$/);
      expect(w).toMatchObject({ status: "IDLE", isStale: false, version: 1, gpuCount: 1, image: "sweepwatch/trainer:1.0.0", uptimeSeconds: 1 });
      expect(new Date(w.startedAt as string).toISOString()).toBe(w.startedAt);
    }
    expect(r.json.summary).toEqual({ running: 0, idle: 2, initializing: 0, throttled: 0, unhealthy: 0, total: 2 });
    expect(r.json.endpointVersion).toBe(1);
  });

  it("a crash-looping worker is UNHEALTHY and its startedAt moves forward on every restart (same id)", async () => {
    await start();
    const ep = sim.state.getEndpoint("ep-crash")!;
    const first = (await get("/v2/serverless/ep-crash/workers")).json.workers as { id: string; status: string; startedAt: string }[];
    expect(first[0].status).toBe("INITIALIZING");
    sim.advance(8000); // cold start 5 s + crash after 3 s
    const second = (await get("/v2/serverless/ep-crash/workers")).json as { workers: { id: string; status: string; startedAt: string; uptimeSeconds: number }[]; summary: { unhealthy: number } };
    expect(second.workers[0]).toMatchObject({ id: first[0].id, status: "UNHEALTHY", startedAt: first[0].startedAt });
    expect(second.summary.unhealthy).toBe(1);
    sim.advance(10_000); // back-off 10 s → restart
    const third = (await get("/v2/serverless/ep-crash/workers")).json.workers as { id: string; status: string; startedAt: string; uptimeSeconds: number }[];
    expect(third[0].id).toBe(first[0].id);
    expect(Date.parse(third[0].startedAt)).toBe(Date.parse(first[0].startedAt) + 18_000);
    expect(third[0].uptimeSeconds).toBe(0);
    expect(third[0].status).toBe("UNHEALTHY");
    expect(ep.workers.get(first[0].id)!.crashes).toBe(1);
  });

  it("sends RateLimit and RateLimit-Policy headers and answers 429 with Retry-After per user", async () => {
    await start({ ...scenario, rateLimits: { management: { minute: 3, hour: 100, day: 1000 } } });
    sim.advance(15_000); // 15 s into the minute window
    const a = await get("/v2/serverless");
    expect(a.headers.get("ratelimit-policy")).toBe('"minute";q=3;w=60, "hour";q=100;w=3600, "day";q=1000;w=86400');
    expect(a.headers.get("ratelimit")).toMatch(/^"minute";r=2;t=45, "hour";r=99;t=\d+, "day";r=999;t=\d+$/);
    await get("/v2/serverless/ep-ok");
    const c = await get("/v2/serverless/ep-ok/workers");
    expect(c.status).toBe(200);
    expect(c.headers.get("ratelimit")).toMatch(/^"minute";r=0;t=45/);
    const d = await get("/v2/serverless");
    expect(d.status).toBe(429);
    expect(d.headers.get("retry-after")).toBe("45");
    expect(d.headers.get("content-type")).toBe("application/problem+json");
    expect(d.json).toEqual({ title: "Too Many Requests", status: 429, detail: "rate limit exceeded for the minute window" });
    // the jobs API is a different service with its own limits
    expect((await fetch(`${sim.url}/v2/ep-ok/health`, { headers: authHeaders(sim) })).status).toBe(200);
    sim.advance(45_000);
    expect((await get("/v2/serverless")).status).toBe(200);
  });

  it("does not count unauthenticated requests against the quota", async () => {
    await start({ ...scenario, rateLimits: { management: { minute: 1 } } });
    for (let i = 0; i < 3; i++) expect((await get("/v2/serverless", {})).status).toBe(401);
    expect((await get("/v2/serverless")).status).toBe(200);
  });
});

describe("management API v2: worker log stream (SSE)", () => {
  async function crashedWorkerId() {
    await start();
    sim.advance(8000);
    return [...sim.state.getEndpoint("ep-crash")!.workers.keys()][0];
  }

  it("replays the tail with SSE headers and id/data events, including the random_device abort", async () => {
    const wid = await crashedWorkerId();
    const s = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs`);
    expect(s.status).toBe(200);
    expect(s.headers.get("content-type")).toBe("text/event-stream");
    expect(s.headers.get("cache-control")).toBe("no-cache");
    expect(s.headers.get("x-accel-buffering")).toBe("no");
    expect(s.headers.get("ratelimit")).toContain('"minute"');
    const ev = await s.until((e) => e.some((x) => x.data.includes("container exited with code 134")));
    for (const e of ev) expect(e.id).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\/\d{12}$/);
    const text = lines(ev).map((l) => l.line);
    const i = text.indexOf("terminate called after throwing an instance of 'std::runtime_error'");
    expect(i).toBeGreaterThan(0);
    expect(text[i + 1]).toBe("  what():  random_device could not be read");
    expect(text).toContain("start container");
    expect(lines(ev)[0]).toMatchObject({ source: "system", line: "create 20GB volume", ts: "2026-06-01T12:00:00.000Z" });
  });

  it("filters by source and honours tail", async () => {
    const wid = await crashedWorkerId();
    const sys = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?source=system`);
    const ev = await sys.until((e) => e.some((x) => x.data.includes("restarting container")));
    expect(lines(ev).every((l) => l.source === "system")).toBe(true);
    const cont = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?source=container&tail=2`);
    const ev2 = await cont.until((e) => e.length >= 2);
    expect(lines(ev2).map((l) => l.line)).toEqual(["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read"]);
  });

  it("stays open and streams new lines live; tail=0 replays nothing", async () => {
    const wid = await crashedWorkerId();
    const s = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=0`);
    await waitFor(() => sim.stats.openLogStreams === 1, 5000, "log stream open");
    expect(s.events()).toEqual([]);
    sim.advance(10_000 + 1000 + 3000); // restart after back-off, container start, crash again
    const ev = await s.until((e) => lines(e).some((l) => l.line.includes("random_device could not be read")));
    const text = lines(ev).map((l) => l.line);
    expect(text[0]).toBe("create container acme/tf:2.19.0");
    expect(text).toContain("container exited with code 134");
  });

  it("resumes after Last-Event-ID (beats tail) and from since", async () => {
    const wid = await crashedWorkerId();
    const all = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=5000`);
    const ev = await all.until((e) => e.some((x) => x.data.includes("restarting container")));
    const cut = ev[ev.length - 3];
    const resumed = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=1`, { "Last-Event-ID": cut.id! });
    const ev2 = await resumed.until((e) => e.length >= 2);
    expect(ev2.map((e) => e.id)).toEqual(ev.slice(-2).map((e) => e.id));
    const since = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?since=2026-06-01T12:00:05Z`);
    const ev3 = await since.until((e) => e.some((x) => x.data.includes("restarting container")));
    expect(lines(ev3).every((l) => Date.parse(l.ts) >= Date.parse("2026-06-01T12:00:05Z"))).toBe(true);
    expect(lines(ev3)[0].line).toBe("image pulled: acme/tf:2.19.0");
  });

  it("rejects bad query parameters with 400 problem+json and unknown workers with 404", async () => {
    const wid = await crashedWorkerId();
    for (const q of ["source=stdout", "tail=5001", "tail=-1", "since=yesterday"]) {
      const r = await get(`/v2/serverless/ep-crash/workers/${wid}/logs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json).toMatchObject({ status: 400, title: "Bad Request" });
      expect(Array.isArray(r.json.errors)).toBe(true);
    }
    expect((await get(`/v2/serverless/ep-crash/workers/nosuchworker123/logs`)).status).toBe(404);
    expect((await get(`/v2/serverless/ep-crash/workers/${wid}/logs`, {})).status).toBe(401);
  });
});
