/**
 * The simulator meets production's shapes where RunPod's own sources say so (issue 12):
 * /health without the undocumented counters, LOAD_BALANCER endpoints without a queue API,
 * management 403 / 429 (Retry-After 12) / 5xx knobs, 404 problem+json for unknown endpoints,
 * endpointVersion on the workers list and no `version` on the endpoint object.
 * Source: RunPod v2 OpenAPI, runpod/runpod-mcp tests/fixtures/v2-openapi.yaml @119f633.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { authHeaders } from "./testing";

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const scenario = {
  endpoints: [
    { id: "q", workers: { min: 1, max: 1, idleTimeout: 5 } },
    { id: "lb", type: "LOAD_BALANCER" as const },
  ],
};

async function get(path: string) {
  const r = await fetch(`${sim.url}${path}`, { headers: authHeaders(sim) });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type"), headers: r.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe("production shapes", () => {
  it("/health sends only the documented counters by default; health.counters: all sends every one", async () => {
    sim = await startSimulator({ scenario });
    expect(Object.keys((await get("/v2/q/health")).json!.workers as object).sort()).toEqual(["idle", "running"]);
    expect(Object.keys((await get("/v2/q/health")).json!.jobs as object).sort()).toEqual(["completed", "failed", "inProgress", "inQueue", "retried"]);
    await sim.close();
    sim = await startSimulator({ scenario: { ...scenario, health: { counters: "all" } } });
    expect(Object.keys((await get("/v2/q/health")).json!.workers as object).sort()).toEqual(["idle", "initializing", "ready", "running", "throttled", "unhealthy"]);
  });

  it("a LOAD_BALANCER endpoint is listed with base/health URLs and has no queue API", async () => {
    sim = await startSimulator({ scenario });
    const list = (await get("/v2/serverless")).json!.endpoints as Record<string, unknown>[];
    expect(list.map((e) => [e.id, e.type])).toEqual([
      ["q", "QUEUE"],
      ["lb", "LOAD_BALANCER"],
    ]);
    expect(Object.keys(list[1].requestUrls as object).sort()).toEqual(["base", "health"]);
    expect(list.every((e) => !("version" in e))).toBe(true);
    for (const p of ["/v2/lb/health", "/v2/lb/status/x", "/v2/lb/run"]) expect((await get(p)).status, p).toBe(404);
  });

  it("the workers list carries endpointVersion and each worker's version", async () => {
    sim = await startSimulator({ scenario });
    await sim.advanceAsync(20_000);
    const r = (await get("/v2/serverless/q/workers")).json!;
    expect(r.endpointVersion).toBe(1);
    expect((r.workers as { version: number }[]).every((w) => w.version === 1)).toBe(true);
    expect(r.summary).toMatchObject({ total: 1 });
  });

  it("unknown and deleted endpoints: 404 problem+json on /health, /status and the management routes", async () => {
    sim = await startSimulator({ scenario });
    expect(sim.deleteEndpoint("q")).toBe(true);
    for (const p of ["/v2/q/health", "/v2/q/status/abc", "/v2/nope/health", "/v2/serverless/q", "/v2/serverless/q/workers"]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.type, p).toBe("application/problem+json");
      expect(r.json, p).toMatchObject({ title: "Not Found", status: 404, detail: expect.any(String) });
    }
    expect(((await get("/v2/serverless")).json!.endpoints as { id: string }[]).map((e) => e.id)).toEqual(["lb"]);
  });

  it("management faults: 403, 429 with Retry-After 12, 5xx; the jobs API is not affected", async () => {
    sim = await startSimulator({ scenario, faults: { management: { status: 429 } } });
    const r = await get("/v2/serverless/q/workers");
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("12");
    expect(r.type).toBe("application/problem+json");
    expect(r.json).toEqual({ title: "Too Many Requests", status: 429, detail: "rate limit exceeded for the minute window" });
    expect((await get("/v2/q/health")).status).toBe(200);
    sim.setFaults({ management: { status: 403 } });
    expect((await get("/v2/serverless")).json).toMatchObject({ title: "Forbidden", status: 403 });
    sim.setFaults({ management: { status: 503 } });
    expect((await get("/v2/serverless")).status).toBe(503);
    sim.setFaults({ management: null });
    expect((await get("/v2/serverless")).status).toBe(200);
  });

  it("control API: POST /_sim/faults sets knobs, DELETE /_sim/endpoints/{id} deletes an endpoint", async () => {
    sim = await startSimulator({ scenario });
    const post = await fetch(`${sim.url}/_sim/faults`, { method: "POST", headers: { ...authHeaders(sim), "Content-Type": "application/json" }, body: JSON.stringify({ management: { status: 429, retryAfterSeconds: 30 } }) });
    expect(post.status).toBe(200);
    expect((await get("/v2/serverless")).headers.get("retry-after")).toBe("30");
    const bad = await fetch(`${sim.url}/_sim/faults`, { method: "POST", headers: authHeaders(sim), body: JSON.stringify({ management: { status: 418 } }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${sim.url}/_sim/faults`, { method: "POST", body: "{}" })).status).toBe(401);
    const del = await fetch(`${sim.url}/_sim/endpoints/q`, { method: "DELETE", headers: authHeaders(sim) });
    expect(del.status).toBe(200);
    expect((await get("/v2/q/health")).status).toBe(404);
    expect((await fetch(`${sim.url}/_sim/endpoints/q`, { method: "DELETE", headers: authHeaders(sim) })).status).toBe(404);
  });
});
