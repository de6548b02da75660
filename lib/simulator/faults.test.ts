import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { authHeaders } from "./testing";

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const scenario = { endpoints: [{ id: "e" }] };

describe("fault knobs", () => {
  it("errorRate 1 → every request gets a 500/502/503 problem body", async () => {
    sim = await startSimulator({ scenario, faults: { errorRate: 1 } });
    const codes = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) });
      codes.add(r.status);
      expect(await r.json()).toMatchObject({ title: expect.any(String), status: r.status });
    }
    expect([...codes].every((c) => [500, 502, 503].includes(c))).toBe(true);
  });

  it("dropConnectionRate 1 → the socket closes without an answer", async () => {
    sim = await startSimulator({ scenario, faults: { dropConnectionRate: 1 } });
    await expect(fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) })).rejects.toThrow();
  });

  it("malformedJsonRate 1 → 200 with a body that is not valid JSON", async () => {
    sim = await startSimulator({ scenario, faults: { malformedJsonRate: 1 } });
    const r = await fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it("429 bursts follow the simulated clock; scope limits faults to one API", async () => {
    sim = await startSimulator({ scenario, faults: { rateLimitBursts: { everyMs: 60_000, durationMs: 10_000 }, scope: "jobs" } });
    const status = async (p: string) => (await fetch(`${sim.url}${p}`, { headers: authHeaders(sim) })).status;
    expect(await status("/v2/e/health")).toBe(200);
    sim.advance(50_000);
    const r = await fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("10");
    expect(await status("/v2/serverless/e")).toBe(200);
    sim.advance(10_000);
    expect(await status("/v2/e/health")).toBe(200);
  });

  it("latency delays answers; setFaults changes knobs at run time", async () => {
    sim = await startSimulator({ scenario, faults: { latencyMs: 60 } });
    const t0 = performance.now();
    await fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    sim.setFaults({ latencyMs: { min: 0, max: 0 }, errorRate: 1 });
    expect((await fetch(`${sim.url}/v2/e/health`, { headers: authHeaders(sim) })).status).toBeGreaterThanOrEqual(500);
  });
});
