import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { evaluateClean } from "./objective";
import type { ScenarioInput } from "./scenario";
import { RANDOM_DEVICE_ABORT } from "./worker-output";
import { authHeaders } from "./testing";

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

/** These tests check the engine's worker accounting, so /health sends every counter (health.counters: all). */
async function start(scenario: ScenarioInput | string, seed = 11) {
  const sim = await startSimulator({ scenario: typeof scenario === "string" ? scenario : { health: { counters: "all" }, ...scenario }, seed });
  sims.push(sim);
  return sim;
}

async function post(sim: Simulator, path: string, body: unknown) {
  const r = await fetch(`${sim.url}${path}`, { method: "POST", headers: authHeaders(sim), body: JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
}
async function get(sim: Simulator, path: string) {
  const r = await fetch(`${sim.url}${path}`, { headers: authHeaders(sim) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

function allLines(sim: Simulator, endpointId: string) {
  const ep = sim.state.getEndpoint(endpointId)!;
  return [...ep.workers.values()].flatMap((w) => sim.state.logLines(w));
}

describe("random_device crash loop", () => {
  const scenario: ScenarioInput = {
    endpoints: [{ id: "rd", workers: { min: 0, max: 2 }, behaviour: { type: "crash_loop", crash: "random_device" } }],
  };

  it("never completes a job in two simulated hours; jobs stay IN_QUEUE while workers cycle through restarts", async () => {
    const sim = await start(scenario);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(sim, "/v2/rd/run", { input: { x1: i, x2: i } })).id as string);
    for (let m = 0; m < 120; m++) sim.advance(60_000);
    for (const id of ids) expect((await get(sim, `/v2/rd/status/${id}`)).json).toEqual({ id, status: "IN_QUEUE" });
    const h = (await get(sim, "/v2/rd/health")).json as { jobs: Record<string, number>; workers: Record<string, number> };
    expect(h.jobs).toEqual({ completed: 0, failed: 0, inProgress: 0, inQueue: 5, retried: 0 });
    expect(h.workers.unhealthy).toBe(2);
    const ep = sim.state.getEndpoint("rd")!;
    for (const w of ep.workers.values()) {
      // 10 s doubling to 5 min: about 26 crashes in 2 h
      expect(w.crashes).toBeGreaterThan(20);
      expect(w.crashes).toBeLessThan(35);
    }
  });

  it("prints TF 2.19 / CUDA 12 start-up output, then exactly the libstdc++ abort, then exit 134 on the system source", async () => {
    const sim = await start(scenario);
    await post(sim, "/v2/rd/run", { input: { x1: 0, x2: 0 } });
    sim.advance(30 * 60_000);
    const w = [...sim.state.getEndpoint("rd")!.workers.values()][0];
    const logs = sim.state.logLines(w);
    const container = logs.filter((l) => l.source === "container").map((l) => l.line);
    expect(container).toContain("CUDA Version 12.5.1");
    expect(container.some((l) => l.includes("tensorflow/core/platform/cpu_feature_guard.cc"))).toBe(true);
    const at = container.indexOf(RANDOM_DEVICE_ABORT[0]);
    expect(container.slice(at, at + 2)).toEqual([
      "terminate called after throwing an instance of 'std::runtime_error'",
      "  what():  random_device could not be read",
    ]);
    const system = logs.filter((l) => l.source === "system").map((l) => l.line);
    const starts = system.filter((l) => l === "start container").length;
    const exits = system.filter((l) => l === "container exited with code 134").length;
    expect(starts).toBeGreaterThanOrEqual(5);
    expect(exits).toBe(w.crashes);
    expect(container.filter((l) => l === RANDOM_DEVICE_ABORT[1]).length).toBe(w.crashes);
    // crash before any handler log: runpod-python never printed its banner
    expect(container.some((l) => l.includes("Starting Serverless Worker"))).toBe(false);
  });

  it("containerOutput: false dies before printing anything: only system lines (start, exit, restart) show the loop", async () => {
    const sim = await start({ endpoints: [{ id: "rd", workers: { min: 1, max: 1 }, behaviour: { type: "crash_loop", crash: "random_device", containerOutput: false } }] });
    sim.advance(5 * 60_000);
    const w = [...sim.state.getEndpoint("rd")!.workers.values()][0];
    const logs = sim.state.logLines(w);
    expect(logs.filter((l) => l.source === "container")).toEqual([]);
    expect(w.crashes).toBeGreaterThanOrEqual(3);
    expect(logs.filter((l) => l.line === "container exited with code 134")).toHaveLength(w.crashes);
    expect(logs.filter((l) => l.line === "start container").length).toBeGreaterThanOrEqual(w.crashes);
  });

  it("backs off exponentially between restarts up to the cap", async () => {
    const sim = await start({
      endpoints: [{ id: "rd", workers: { min: 1, max: 1 }, coldStartMs: 1000, restartMs: 1000, behaviour: { type: "crash_loop", crash: "random_device", crashAfterMs: 1000, backoff: { initialMs: 10_000, factor: 2, maxMs: 40_000 } } }],
    });
    sim.advance(10 * 60_000);
    const w = [...sim.state.getEndpoint("rd")!.workers.values()][0];
    const crashTimes = sim.state.logLines(w).filter((l) => l.line === "container exited with code 134").map((l) => l.ts);
    const gaps = crashTimes.slice(1).map((t, i) => t - crashTimes[i]);
    // gap = back-off + restart (1 s) + crash-after (1 s)
    expect(gaps.slice(0, 5)).toEqual([12_000, 22_000, 42_000, 42_000, 42_000]);
  });
});

describe("other start-up crash loops", () => {
  const cases = [
    ["cuda_oom", "CUDA out of memory", 1],
    ["missing_module", "ModuleNotFoundError: No module named 'tensorflow_addons'", 1],
    ["missing_test_input", "WARN   | test_input.json not found, exiting.", 1],
    ["segfault", "Fatal Python error: Segmentation fault", 139],
  ] as const;
  for (const [crash, text, code] of cases) {
    it(`${crash}: prints "${text}", exits ${code}, keeps jobs IN_QUEUE`, async () => {
      const sim = await start({ endpoints: [{ id: "c", workers: { min: 1, max: 1 }, behaviour: { type: "crash_loop", crash } }] });
      const job = await post(sim, "/v2/c/run", { input: { x1: 1, x2: 1 } });
      sim.advance(5 * 60_000);
      const lines = allLines(sim, "c");
      expect(lines.some((l) => l.source === "container" && l.line.includes(text))).toBe(true);
      expect(lines.some((l) => l.source === "system" && l.line === `container exited with code ${code}`)).toBe(true);
      expect((await get(sim, `/v2/c/status/${job.id}`)).json.status).toBe("IN_QUEUE");
      expect((await get(sim, "/v2/serverless/c/workers")).json.summary).toMatchObject({ unhealthy: 1, total: 1 });
    });
  }
});

describe("healthy endpoint and the objective", () => {
  it("completes jobs with the objective's values (seeded noise around the true value)", async () => {
    const sim = await start({ endpoints: [{ id: "h", workers: { min: 1, max: 3 }, objective: { function: "branin", noise: 0.05 } }] });
    const inputs = Array.from({ length: 12 }, (_, i) => ({ x1: -5 + i * 1.25, x2: (i * 7) % 15 }));
    const ids = [];
    for (const input of inputs) ids.push((await post(sim, "/v2/h/run", { input })).id as string);
    sim.advance(10 * 60_000);
    let sqErr = 0;
    for (let i = 0; i < ids.length; i++) {
      const st = (await get(sim, `/v2/h/status/${ids[i]}`)).json as { status: string; output: { loss: number; accuracy: number; objective: string } };
      expect(st.status).toBe("COMPLETED");
      const truth = evaluateClean({ function: "branin", noise: 0 }, inputs[i]).value;
      expect(Math.abs(st.output.loss - truth)).toBeLessThan(0.05 * 5);
      expect(st.output.objective).toBe("branin");
      sqErr += (st.output.loss - truth) ** 2;
    }
    expect(sqErr).toBeGreaterThan(0); // noise is there
  });

  it("hartmann6 and quadratic read their documented keys", async () => {
    const sim = await start({
      endpoints: [
        { id: "h6", workers: { min: 1, max: 1 }, objective: { function: "hartmann6", noise: 0 } },
        { id: "q", workers: { min: 1, max: 1 }, objective: { function: "quadratic", noise: 0, optimum: { lr: 0.01, dropout: 0.2 }, scale: { lr: 0.01 } } },
      ],
    });
    const a = await post(sim, "/v2/h6/run", { input: { x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 } });
    const b = await post(sim, "/v2/q/run", { input: { params: { lr: 0.02, dropout: 0.2 } } });
    sim.advance(60_000);
    expect(((await get(sim, `/v2/h6/status/${a.id}`)).json.output as { loss: number }).loss).toBeCloseTo(-3.32237, 4);
    expect(((await get(sim, `/v2/q/status/${b.id}`)).json.output as { loss: number }).loss).toBeCloseTo(1, 9);
  });

  it("scales up to max with demand and back down to min after the idle timeout", async () => {
    const sim = await start({ endpoints: [{ id: "h", workers: { min: 1, max: 3, idleTimeout: 5 }, coldStartMs: 2000, jobDurationMs: 4000 }] });
    for (let i = 0; i < 6; i++) await post(sim, "/v2/h/run", { input: { x1: 1, x2: 1 } });
    expect(sim.state.getEndpoint("h")!.workers.size).toBe(3);
    sim.advance(2000);
    expect((await get(sim, "/v2/h/health")).json).toMatchObject({ jobs: { inProgress: 3, inQueue: 3 }, workers: { running: 3 } });
    sim.advance(8000);
    expect((await get(sim, "/v2/h/health")).json).toMatchObject({ jobs: { completed: 6 }, workers: { idle: 3 } });
    sim.advance(5000);
    expect((await get(sim, "/v2/serverless/h/workers")).json.summary).toMatchObject({ idle: 1, total: 1 });
  });

  it("lowPriority jobs do not trigger scale-up", async () => {
    const sim = await start({ endpoints: [{ id: "h", workers: { min: 0, max: 3 } }] });
    await post(sim, "/v2/h/run", { input: { x1: 1, x2: 1 }, policy: { lowPriority: true } });
    sim.advance(60_000);
    expect((await get(sim, "/v2/h/health")).json).toMatchObject({ jobs: { inQueue: 1 }, workers: { idle: 0, initializing: 0 } });
  });

  it("slow cold start: jobs wait while workers are INITIALIZING, delayTime includes the cold start", async () => {
    const sim = await start({ endpoints: [{ id: "slow", workers: { min: 0, max: 1 }, coldStartMs: 180_000, jobDurationMs: 1000 }] });
    const job = await post(sim, "/v2/slow/run", { input: { x1: 1, x2: 1 } });
    sim.advance(179_000);
    expect((await get(sim, "/v2/slow/health")).json).toMatchObject({ jobs: { inQueue: 1 }, workers: { initializing: 1 } });
    sim.advance(2000);
    expect((await get(sim, `/v2/slow/status/${job.id}`)).json).toMatchObject({ status: "COMPLETED", delayTime: 180_000, executionTime: 1000 });
  });
});

describe("one-off crash and worker death mid-job", () => {
  it("requeues the job with retries+1 (jobs.retried) and the restarted worker completes it", async () => {
    const sim = await start({ endpoints: [{ id: "h", workers: { min: 1, max: 1 }, coldStartMs: 1000, restartMs: 2000, jobDurationMs: 5000, behaviour: { type: "one_off_crash", onJob: 2, kind: "segfault", afterMs: 1000 } }] });
    const a = await post(sim, "/v2/h/run", { input: { x1: 1, x2: 1 } });
    const b = await post(sim, "/v2/h/run", { input: { x1: 2, x2: 2 } });
    sim.advance(1000 + 5000 + 1000); // job a done; b crashes 1 s in
    expect((await get(sim, `/v2/h/status/${a.id}`)).json.status).toBe("COMPLETED");
    expect((await get(sim, `/v2/h/status/${b.id}`)).json).toEqual({ id: b.id, status: "IN_QUEUE", retries: 1 });
    const h = (await get(sim, "/v2/h/health")).json as { jobs: Record<string, number>; workers: Record<string, number> };
    expect(h.jobs.retried).toBe(1);
    expect(h.workers.unhealthy).toBe(1);
    expect(allLines(sim, "h").some((l) => l.line === "container exited with code 139")).toBe(true);
    sim.advance(60_000);
    expect((await get(sim, `/v2/h/status/${b.id}`)).json).toMatchObject({ status: "COMPLETED", retries: 1 });
    expect((await get(sim, "/v2/h/health")).json).toMatchObject({ jobs: { completed: 2, failed: 0 } });
  });

  it("onWorkerDeath: fail ends the job FAILED instead", async () => {
    const sim = await start({
      jobs: { onWorkerDeath: "fail" },
      endpoints: [{ id: "h", workers: { min: 1, max: 1 }, coldStartMs: 1000, behaviour: { type: "healthy", crashOnce: { onJob: 1, kind: "cuda_oom", afterMs: 500 } } }],
    });
    const a = await post(sim, "/v2/h/run", { input: { x1: 1, x2: 1 } });
    sim.advance(1500);
    expect((await get(sim, `/v2/h/status/${a.id}`)).json).toMatchObject({ status: "FAILED", error: "worker exited unexpectedly with code 137" });
  });
});

describe("no capacity", () => {
  it("throttled: workers listed THROTTLED with no uptime, jobs IN_QUEUE", async () => {
    const sim = await start({ endpoints: [{ id: "n", workers: { min: 0, max: 2 }, behaviour: "no_capacity" }] });
    const job = await post(sim, "/v2/n/run", { input: { x1: 1, x2: 1 } });
    sim.advance(3600_000);
    const w = (await get(sim, "/v2/serverless/n/workers")).json as { workers: Record<string, unknown>[]; summary: Record<string, number> };
    expect(w.summary).toEqual({ running: 0, idle: 0, initializing: 0, throttled: 1, unhealthy: 0, total: 1 });
    expect(w.workers[0]).toMatchObject({ status: "THROTTLED", uptimeSeconds: null, startedAt: null, gpuTypeId: null });
    expect((await get(sim, `/v2/n/status/${job.id}`)).json.status).toBe("IN_QUEUE");
  });

  it("unplaced: no workers at all (summary.total == 0)", async () => {
    const sim = await start({ endpoints: [{ id: "n", workers: { min: 1, max: 2 }, behaviour: { type: "no_capacity", mode: "unplaced" } }] });
    await post(sim, "/v2/n/run", { input: { x1: 1, x2: 1 } });
    sim.advance(600_000);
    expect((await get(sim, "/v2/serverless/n/workers")).json).toEqual({ workers: [], summary: { running: 0, idle: 0, initializing: 0, throttled: 0, unhealthy: 0, total: 0 }, endpointVersion: 1 });
  });
});

describe("timeline: fix, recovery, regression", () => {
  it("rolls out a fixed image at minute 4 (version 2, queued jobs complete) and regresses at minute 8", async () => {
    const sim = await start({
      endpoints: [
        {
          id: "r",
          image: "acme/tf:r1",
          workers: { min: 1, max: 1 },
          jobDurationMs: 3000,
          behaviour: { type: "crash_loop", crash: "random_device" },
          timeline: [
            { atMinute: 4, image: "acme/tf:r2", behaviour: "healthy" },
            { atMinute: 8, image: "acme/tf:r3", behaviour: { type: "crash_loop", crash: "random_device" } },
          ],
        },
      ],
    });
    const job = await post(sim, "/v2/r/run", { input: { x1: 1, x2: 1 } });
    sim.advance(3 * 60_000);
    const before = (await get(sim, "/v2/serverless/r/workers")).json as { workers: { id: string; version: number; image: string; status: string }[]; endpointVersion: number };
    expect(before.endpointVersion).toBe(1);
    expect(before.workers[0]).toMatchObject({ version: 1, image: "acme/tf:r1", status: "UNHEALTHY" });
    sim.advance(60_000 + 30_000);
    const after = (await get(sim, "/v2/serverless/r/workers")).json as { workers: { id: string; version: number; image: string; status: string; isStale: boolean }[]; endpointVersion: number };
    expect(after.endpointVersion).toBe(2);
    expect(after.workers).toHaveLength(1);
    expect(after.workers[0]).toMatchObject({ version: 2, image: "acme/tf:r2", status: "IDLE", isStale: false });
    expect(after.workers[0].id).not.toBe(before.workers[0].id);
    expect((await get(sim, `/v2/r/status/${job.id}`)).json.status).toBe("COMPLETED");
    sim.advance(4 * 60_000);
    const job2 = await post(sim, "/v2/r/run", { input: { x1: 1, x2: 1 } });
    sim.advance(2 * 60_000);
    expect((await get(sim, "/v2/serverless/r/workers")).json).toMatchObject({ endpointVersion: 3, summary: { unhealthy: 1 } });
    expect((await get(sim, `/v2/r/status/${job2.id}`)).json.status).toBe("IN_QUEUE");
    expect(sim.state.getEndpoint("r")!.history.map((h) => h.behaviour)).toEqual(["crash_loop:random_device", "healthy", "crash_loop:random_device"]);
  });

  it("can silently drop workers.max to 0 (RunPod's auto scale-down after repeated unhealthy workers)", async () => {
    const sim = await start({
      endpoints: [
        { id: "r", workers: { min: 1, max: 2 }, behaviour: { type: "crash_loop", crash: "random_device" }, timeline: [{ atMinute: 5, workers: { min: 0, max: 0 }, note: "auto scale-down" }] },
      ],
    });
    const job = await post(sim, "/v2/r/run", { input: { x1: 1, x2: 1 } });
    sim.advance(4 * 60_000);
    expect(((await get(sim, "/v2/serverless/r/workers")).json.summary as { total: number }).total).toBe(1);
    sim.advance(60_000);
    expect((await get(sim, "/v2/serverless/r/workers")).json).toMatchObject({ workers: [], summary: { total: 0 }, endpointVersion: 1 });
    expect((await get(sim, "/v2/serverless/r")).json.workers).toEqual({ min: 0, max: 0, idleTimeout: 5 });
    expect((await get(sim, `/v2/r/status/${job.id}`)).json.status).toBe("IN_QUEUE");
    expect(sim.state.getEndpoint("r")!.history.at(-1)!.note).toBe("auto scale-down");
  });

  it("marks a running worker isStale during a rolling update and replaces it after its job", async () => {
    const sim = await start({
      endpoints: [{ id: "r", image: "a:1", workers: { min: 1, max: 1 }, coldStartMs: 1000, jobDurationMs: 120_000, timeline: [{ atMinute: 1, image: "a:2" }] }],
    });
    await post(sim, "/v2/r/run", { input: { x1: 1, x2: 1 } });
    sim.advance(61_000);
    const w = (await get(sim, "/v2/serverless/r/workers")).json as { workers: { status: string; isStale: boolean; version: number }[] };
    expect(w.workers.find((x) => x.status === "RUNNING")).toMatchObject({ isStale: true, version: 1 });
    sim.advance(120_000);
    const w2 = (await get(sim, "/v2/serverless/r/workers")).json as { workers: { isStale: boolean; version: number }[] };
    expect(w2.workers.every((x) => !x.isStale && x.version === 2)).toBe(true);
  });
});

describe("determinism", () => {
  async function runOnce(seed: number) {
    const sim = await start("demo", seed);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await post(sim, "/v2/demo-healthy/run", { input: { x1: i - 3, x2: i } })).id as string);
    sim.advance(20 * 60_000);
    const statuses = [];
    for (const id of ids) statuses.push((await get(sim, `/v2/demo-healthy/status/${id}`)).json);
    const workers = [];
    for (const ep of ["demo-healthy", "demo-randomdevice", "demo-nocapacity", "demo-rollout"]) workers.push((await get(sim, `/v2/serverless/${ep}/workers`)).json);
    const health = [];
    for (const ep of ["demo-healthy", "demo-randomdevice", "demo-nocapacity", "demo-rollout"]) health.push((await get(sim, `/v2/${ep}/health`)).json);
    await sim.close();
    return { statuses, workers, health };
  }

  it("ids depend on the endpoint too: the same seed on differently named endpoints gives different ids", async () => {
    const a = await start({ endpoints: [{ id: "t1-h", workers: { min: 1, max: 1 } }] }, 42);
    const b = await start({ endpoints: [{ id: "t2-h", workers: { min: 1, max: 1 } }] }, 42);
    const ja = await post(a, "/v2/t1-h/run", { input: { x1: 1, x2: 1 } });
    const jb = await post(b, "/v2/t2-h/run", { input: { x1: 1, x2: 1 } });
    expect(ja.id).not.toBe(jb.id);
    expect([...a.state.getEndpoint("t1-h")!.workers.keys()]).not.toEqual([...b.state.getEndpoint("t2-h")!.workers.keys()]);
  });

  it("same seed → identical ids, outputs, workers and counters; another seed differs", async () => {
    const a = await runOnce(123);
    const b = await runOnce(123);
    expect(b).toEqual(a);
    expect(a.statuses.every((s) => s.status === "COMPLETED" || s.status === "FAILED")).toBe(true);
    const c = await runOnce(124);
    expect(c.statuses.map((s) => s.id)).not.toEqual(a.statuses.map((s) => s.id));
  });
});
