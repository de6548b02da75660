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
    // prod ids (runpodctl logs_test.go): the bare ts of the line, whole seconds for system, ns for container
    for (const e of ev) {
      const l = JSON.parse(e.data) as { ts: string; source: string };
      expect(e.id).toBe(l.ts);
      expect(e.id).toMatch(l.source === "system" ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/);
    }
    expect(ev.some((e) => /\.\d{7,9}Z$/.test(e.id!))).toBe(true);
    const text = lines(ev).map((l) => l.line);
    const i = text.indexOf("terminate called after throwing an instance of 'std::runtime_error'");
    expect(i).toBeGreaterThan(0);
    expect(text[i + 1]).toBe("  what():  random_device could not be read");
    expect(text).toContain("start container");
    expect(lines(ev)[0]).toEqual({ source: "system", line: "create 20GB volume", ts: "2026-06-01T12:00:00Z" });
  });

  it("gives several system lines of one second the same id (container start, exit, restart)", async () => {
    const wid = await crashedWorkerId();
    const s = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?source=system`);
    const ev = await s.until((e) => e.some((x) => x.data.includes("restarting container")));
    const byId = new Map<string, string[]>();
    for (const e of ev) byId.set(e.id!, [...(byId.get(e.id!) ?? []), (JSON.parse(e.data) as { line: string }).line]);
    expect([...byId.values()]).toContainEqual(["container exited with code 134", "restarting container in 10s (back-off, restart 1)"]);
    expect([...byId.values()]).toContainEqual(["image pulled: acme/tf:2.19.0", "create container acme/tf:2.19.0", "start container"]);
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

  it("withholds the response headers until there is a line, then streams live; tail=0 replays nothing", async () => {
    const wid = await crashedWorkerId();
    let answered = false;
    const pending = sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=0`).then((s) => ((answered = true), s));
    await waitFor(() => sim.stats.openLogStreams === 1, 5000, "log stream open");
    // a quiet worker: the request is open and nothing (not even the status line) has come back
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    sim.advance(10_000 + 1000 + 3000); // restart after back-off, container start, crash again
    const s = await pending;
    expect(s.status).toBe(200);
    const ev = await s.until((e) => lines(e).some((l) => l.line.includes("random_device could not be read")));
    const text = lines(ev).map((l) => l.line);
    expect(text[0]).toBe("create container acme/tf:2.19.0");
    expect(text).toContain("container exited with code 134");
  });

  it("scenario.logs.headers = immediate answers a quiet stream at once", async () => {
    await start({ ...scenario, logs: { headers: "immediate" } });
    sim.advance(8000);
    const wid = [...sim.state.getEndpoint("ep-crash")!.workers.keys()][0];
    const s = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=0`);
    expect(s.status).toBe(200);
    expect(s.events()).toEqual([]);
  });

  it("resumes exclusively after Last-Event-ID (beats tail) and after since", async () => {
    const wid = await crashedWorkerId();
    const all = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=5000`);
    const ev = await all.until((e) => e.some((x) => x.data.includes("restarting container")));
    const exit = ev.findIndex((e) => e.data.includes("container exited with code 134"));
    expect(ev[exit].id).toBe("2026-06-01T12:00:08Z");
    expect(ev[exit - 1].id).toMatch(/^2026-06-01T12:00:08\.\d+Z$/);
    // resuming from the last container line skips the exit and restart lines printed after it: RunPod
    // stamps them with the whole second, which is before the container line's nanosecond stamp
    const skipped = sse(`/v2/serverless/ep-crash/workers/${wid}/logs`, { "Last-Event-ID": ev[exit - 1].id! });
    await waitFor(() => sim.stats.openLogStreams === 2, 5000, "quiet resumed stream open");
    // a second earlier gets them all; tail is ignored
    const resumed = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=1`, { "Last-Event-ID": "2026-06-01T12:00:07Z" });
    const ev2 = await resumed.until((e) => e.length >= 4);
    expect(ev2.map((e) => e.data)).toEqual(ev.slice(exit - 2).map((e) => e.data));
    // the exit line's id is also the restart line's and is the whole second: resuming from it skips
    // both, yet replays the container lines stamped later in that second
    const fromExit = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs`, { "Last-Event-ID": ev[exit].id! });
    const ev3 = await fromExit.until((e) => e.length >= 2);
    expect(ev3.map((e) => e.data)).toEqual(ev.slice(exit - 2, exit).map((e) => e.data));
    sim.advance(11_000); // back-off, then the container is created again
    const late = await (await skipped).until((e) => e.length >= 1);
    expect(lines(late)[0].line).toBe("create container acme/tf:2.19.0");
    const since = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?since=2026-06-01T12:00:05Z`);
    const ev4 = await since.until((e) => e.some((x) => x.data.includes("restarting container")));
    // exclusive: none of the system lines stamped 12:00:05Z, the container lines of that second after it
    expect(lines(ev4).filter((l) => l.source === "system" && l.ts <= "2026-06-01T12:00:05Z")).toEqual([]);
    expect(lines(ev4)[0]).toMatchObject({ source: "container", ts: expect.stringMatching(/^2026-06-01T12:00:05\.\d+Z$/) });
  });

  it("scenario.logs.eventIds = timestamp_seq sends the OpenAPI example's <ts>/<seq> ids and resumes by the sequence", async () => {
    await start({ ...scenario, logs: { eventIds: "timestamp_seq" } });
    sim.advance(8000);
    const wid = [...sim.state.getEndpoint("ep-crash")!.workers.keys()][0];
    const all = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=5000`);
    const ev = await all.until((e) => e.some((x) => x.data.includes("restarting container")));
    for (const e of ev) expect(e.id).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\/\d{12}$/);
    const resumed = await sse(`/v2/serverless/ep-crash/workers/${wid}/logs`, { "Last-Event-ID": ev[ev.length - 2].id! });
    const ev2 = await resumed.until((e) => e.length >= 1);
    expect(ev2.map((e) => e.id)).toEqual([ev[ev.length - 1].id]);
  });

  it("scenario.logs.format = json_snapshot answers one JSON object of \"<ts> <line>\" strings, whatever source was asked", async () => {
    await start({ ...scenario, logs: { format: "json_snapshot" } });
    sim.advance(8000);
    const wid = [...sim.state.getEndpoint("ep-crash")!.workers.keys()][0];
    const r = await fetch(`${sim.url}/v2/serverless/ep-crash/workers/${wid}/logs?source=container`, { headers: authHeaders(sim) });
    expect(r.headers.get("content-type")).toBe("text/event-stream");
    const body = JSON.parse(await r.text()) as { container: string[]; system: string[] };
    expect(body.system[0]).toBe("2026-06-01T12:00:00Z create 20GB volume");
    expect(body.container.some((l) => / {2}what\(\): {2}random_device could not be read$/.test(l))).toBe(true);
  });

  it("rejects bad query parameters with 400 problem+json and unknown workers with 404", async () => {
    const wid = await crashedWorkerId();
    for (const q of ["source=stdout", "tail=-1", "since=yesterday"]) {
      const r = await get(`/v2/serverless/ep-crash/workers/${wid}/logs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json).toMatchObject({ status: 400, title: "Bad Request" });
      expect(Array.isArray(r.json.errors)).toBe(true);
    }
    // runpodctl logs.go: "LogTailMax is the largest tail the api accepts; more is a 422"
    expect((await get(`/v2/serverless/ep-crash/workers/${wid}/logs?tail=5001`)).status).toBe(422);
    const missing = await get(`/v2/serverless/ep-crash/workers/nosuchworker123/logs`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(missing.json).toMatchObject({ status: 404, title: "Not Found" });
    expect((await get(`/v2/serverless/nosuchendpoint/workers/${wid}/logs`)).status).toBe(404);
    expect((await get(`/v2/serverless/ep-crash/workers/${wid}/logs`, {})).status).toBe(401);
  });
});
