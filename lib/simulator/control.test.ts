import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { authHeaders } from "./testing";

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

describe("simulator control routes (/_sim)", () => {
  it("health needs no key; state, jobs and advance do", async () => {
    sim = await startSimulator({ scenario: "demo", seed: 5 });
    const h = await fetch(`${sim.url}/_sim/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ ok: true, scenario: "demo", clock: "virtual", now: "2026-06-01T12:00:00.000Z", jobs: 0 });
    for (const [m, p] of [["GET", "/_sim/state"], ["GET", "/_sim/jobs"], ["POST", "/_sim/advance?ms=1"]]) {
      expect((await fetch(`${sim.url}${p}`, { method: m })).status, p).toBe(401);
    }
  });

  it("advance moves the virtual clock; jobs lists the demo traffic; state shows the timeline", async () => {
    sim = await startSimulator({ scenario: "demo", seed: 5 });
    const adv = await fetch(`${sim.url}/_sim/advance?ms=300000`, { method: "POST", headers: authHeaders(sim) });
    expect(await adv.json()).toEqual({ now: "2026-06-01T12:05:00.000Z" });
    const jobs = (await (await fetch(`${sim.url}/_sim/jobs?endpointId=demo-randomdevice&status=IN_QUEUE`, { headers: authHeaders(sim) })).json()) as { jobs: { id: string; status: string; endpointId: string }[] };
    expect(jobs.jobs.length).toBe(10); // one every 30 s from t=2 s
    expect(jobs.jobs.every((j) => j.status === "IN_QUEUE" && j.endpointId === "demo-randomdevice")).toBe(true);
    const state = (await (await fetch(`${sim.url}/_sim/state`, { headers: authHeaders(sim) })).json()) as { endpoints: { id: string; version: number; history: { note?: string }[] }[] };
    const rollout = state.endpoints.find((e) => e.id === "demo-rollout")!;
    expect(rollout.version).toBe(2);
    expect(rollout.history.map((x) => x.note)).toEqual(["initial", "fix rolled out: import torch before tensorflow"]);
    expect((await fetch(`${sim.url}/_sim/advance?ms=-5`, { method: "POST", headers: authHeaders(sim) })).status).toBe(400);
  });

  it("advance is refused on the real clock", async () => {
    sim = await startSimulator({ scenario: { endpoints: [{ id: "e" }] }, clock: "real" });
    expect((await fetch(`${sim.url}/_sim/advance?ms=1`, { method: "POST", headers: authHeaders(sim) })).status).toBe(400);
    expect(() => sim.advance(1)).toThrow(/virtual clock/);
  });
});
