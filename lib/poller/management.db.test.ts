/**
 * Issue 12, management API faults and production shapes, driven over real HTTP against the simulator:
 * a failing management API delays no /status poll; a deleted endpoint expires no job; two pollers stay
 * within one account budget; a load balancer is never polled as a queue; /health counters RunPod does
 * not send are stored null and read as "not reported".
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { getEndpoint } from "@/lib/endpoints/repository";
import { submitJob } from "@/lib/jobs/service";
import { describeEndpointHealth } from "@/lib/data/overview";
import { formatCounter } from "@/lib/format/poll-error";
import { recordingClient, runFor, setupPollerTest, type PollerTestEnv, type RecordedCall } from "@/lib/poller/testing";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const LONG_JOBS = {
  workers: { min: 2, max: 2, idleTimeout: 60 },
  coldStartMs: 2_000,
  jobDurationMs: { min: 900_000, max: 900_000 },
  executionTimeoutMs: 1_200_000,
  behaviour: { type: "healthy" as const, failureRate: 0 },
};

/** Largest gap between consecutive calls in `times` (ms). */
const maxGap = (times: number[]) => times.slice(1).reduce((m, t, i) => Math.max(m, t - times[i]), 0);

describe("poller: management API faults and production shapes (issue 12)", () => {
  it("a management API failing for 10 minutes (403, then 429 with Retry-After 12 s, then 503) delays no /status poll", async () => {
    env = await setupPollerTest({ endpoints: [{ name: "long", ...LONG_JOBS }] });
    const calls: RecordedCall[] = [];
    const p = env.poller({ client: recordingClient(env, calls) });
    await p.tick(); // discovery while the management API still answers
    const now = () => new Date(env!.sim.clock.now());
    const jobs = [
      await submitJob({ endpointId: env.ep("long"), input: { x1: 1, x2: 2 } }, createCtx({ db: env.prisma, runpod: env.client, now: now })),
      await submitJob({ endpointId: env.ep("long"), input: { x1: 2, x2: 3 } }, createCtx({ db: env.prisma, runpod: env.client, now: now })),
    ];
    await runFor(env, p, 10_000);
    expect((await env.prisma.job.findMany({ where: { id: { in: jobs.map((j) => j.id) } } })).map((j) => j.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);

    const from = env.sim.clock.now();
    env.sim.setFaults({ management: { status: 403 } });
    await runFor(env, p, 240_000);
    const at429 = env.sim.clock.now();
    env.sim.setFaults({ management: { status: 429, retryAfterSeconds: 12 } });
    await runFor(env, p, 180_000);
    const at503 = env.sim.clock.now();
    env.sim.setFaults({ management: { status: 503 } });
    await runFor(env, p, 180_000);
    const to = env.sim.clock.now();
    env.sim.setFaults({ management: null });
    await runFor(env, p, 60_000);

    for (const j of jobs) {
      const polls = calls.filter((c) => c.op === "status" && c.jobId === j.id && c.at >= from - 5_000 && c.at <= to).map((c) => c.at);
      expect(polls.length, j.id).toBeGreaterThan(150);
      // an in-progress job is due every jobsIntervalMs (3 s); the test ticks once per simulated second
      expect(maxGap(polls), j.id).toBeLessThanOrEqual(4_000);
    }
    // every failure is a recorded poll error, with its status
    const errors = await env.prisma.pollError.findMany({ where: { endpointId: env.ep("long"), operation: "listWorkers" }, select: { httpStatus: true } });
    expect(new Set(errors.map((e) => e.httpStatus))).toEqual(new Set([403, 429, 503]));
    expect(await env.prisma.pollError.count({ where: { endpointId: env.ep("long"), operation: { in: ["status", "health"] } } })).toBe(0);
    // a 429 is obeyed: no management call before its Retry-After has passed
    const during429 = calls.filter((c) => (c.op === "listWorkers" || c.op === "listEndpoints") && c.at >= at429 && c.at < at503);
    expect(during429.length).toBeLessThanOrEqual(180 / 12 + 1);
    // and the workers list comes back once the management API does
    expect(calls.some((c) => c.op === "listWorkers" && c.at > to)).toBe(true);
    const stillRunning = await env.prisma.job.findMany({ where: { id: { in: jobs.map((j) => j.id) } }, select: { status: true } });
    expect(stillRunning.map((j) => j.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);
    await p.stop();
  });

  it("a deleted endpoint (404) is marked missing and expires no job; /status stops until it answers again", async () => {
    env = await setupPollerTest({ endpoints: [{ name: "gone", ...LONG_JOBS, workers: { min: 1, max: 1, idleTimeout: 60 } }] });
    const calls: RecordedCall[] = [];
    const p = env.poller({ client: recordingClient(env, calls) });
    await p.tick();
    const now = () => new Date(env!.sim.clock.now());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitJob({ endpointId: env.ep("gone"), input: { x1: i, x2: 1 } }, createCtx({ db: env.prisma, runpod: env.client, now: now }))).id);
    await runFor(env, p, 10_000);
    const before = await env.prisma.job.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, status: true } });
    expect(before.map((j) => j.status).sort()).toEqual(["IN_PROGRESS", "IN_QUEUE", "IN_QUEUE"]);

    expect(env.sim.deleteEndpoint(env.ep("gone"))).toBe(true);
    const deletedAt = env.sim.clock.now();
    await runFor(env, p, 180_000);
    const after = await env.prisma.job.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, status: true } });
    expect(after).toEqual(before); // nothing expired, nothing changed
    const ep = await env.prisma.endpoint.findUniqueOrThrow({ where: { id: env.ep("gone") } });
    expect(ep.missingSince).not.toBeNull();
    expect(ep.missingSince!.getTime()).toBeGreaterThanOrEqual(deletedAt);
    expect(await env.prisma.pollError.count({ where: { endpointId: env.ep("gone"), httpStatus: 404, operation: "health" } })).toBe(1);
    // once /health said 404, no /status call is made (it would read as "expired")
    const missingAt = ep.missingSince!.getTime();
    expect(calls.filter((c) => c.op === "status" && c.at > missingAt)).toEqual([]);
    const at = new Date(env.sim.clock.now());
    const dto = await getEndpoint({ id: env.ep("gone") }, createCtx({ db: env.prisma, now: () => at }));
    expect(dto?.missingSince).toBe(ep.missingSince!.toISOString());
    expect(describeEndpointHealth(dto!, 0).text).toMatch(/404/);
    await p.stop();
  });

  it("two pollers together stay within one account's management budget (shared through PostgreSQL)", async () => {
    const names = ["a", "b", "c", "d", "e", "f"];
    env = await setupPollerTest({
      endpoints: names.map((name) => ({ name, workers: { min: 0, max: 1, idleTimeout: 5 } })),
      scenario: { rateLimits: { management: { minute: 20, hour: 10_000, day: 100_000 } } },
    });
    const calls: RecordedCall[] = [];
    const cfg = { managementPerMinute: 20, workersIntervalMs: 15_000, discoveryIntervalMs: 60_000 };
    const p1 = env.poller({ client: recordingClient(env, calls), config: cfg });
    const p2 = env.poller({ client: recordingClient(env, calls), config: cfg });
    // each alone would spend up to 20 a minute: 6 endpoints' worker lists every 15 s (24) plus discovery
    for (let t = 0; t < 300_000; t += 1_000) {
      await env.advance(1_000);
      await Promise.all([p1.tick(), p2.tick()]);
    }
    const mgmt = calls.filter((c) => c.op === "listWorkers" || c.op === "listEndpoints" || c.op === "workerLogs").map((c) => c.at);
    let worst = 0;
    for (const t of mgmt) worst = Math.max(worst, mgmt.filter((u) => u >= t && u < t + 60_000).length);
    expect(worst).toBeLessThanOrEqual(20);
    expect(mgmt.length).toBeGreaterThan(60); // the budget was used, not starved
    expect(p1.heldEndpoints().length).toBeGreaterThan(0);
    expect(p2.heldEndpoints().length).toBeGreaterThan(0);
    expect(await env.prisma.pollError.count({ where: { pollerId: { startsWith: env.tag }, httpStatus: 429 } })).toBe(0);
    await Promise.all([p1.stop(), p2.stop()]);
  });

  it("worker lists never starve the log reads: with more list demand than budget, every crash loop's lines are still read", async () => {
    const names = ["a", "b", "c", "d", "e", "f"];
    env = await setupPollerTest({
      endpoints: names.map((name) => ({
        name,
        workers: { min: 1, max: 1, idleTimeout: 60 },
        coldStartMs: 1_000,
        restartMs: 1_000,
        behaviour: { type: "crash_loop" as const, crash: "random_device" as const, crashAfterMs: 2_000, backoff: { initialMs: 3_000, factor: 1, maxMs: 3_000 } },
      })),
    });
    const calls: RecordedCall[] = [];
    // six endpoints listed every second want 360 calls a minute from a budget of 50 (headers wait as in
    // production, 1 s: a loaded test machine must not turn a read with lines into a quiet one)
    const p = env.poller({ client: recordingClient(env, calls), config: { managementPerMinute: 50, workersIntervalMs: 1_000, logsIntervalMs: 1_000, logHeadersMs: 1_000, logReadMs: 5_000 } });
    await runFor(env, p, 120_000);
    const lists = calls.filter((c) => c.op === "listWorkers").length;
    const logs = calls.filter((c) => c.op === "workerLogs").length;
    expect(lists + logs + calls.filter((c) => c.op === "listEndpoints").length).toBeLessThanOrEqual(2 * 50 + 10);
    expect(logs).toBeGreaterThan(lists / 2);
    // least-recently-listed first: every endpoint gets its share of the scarce lists, none is left out
    const perEndpoint = names.map((name) => calls.filter((c) => c.op === "listWorkers" && c.endpointId === env!.ep(name)).length);
    expect(Math.min(...perEndpoint), `lists per endpoint: ${perEndpoint.join(", ")}`).toBeGreaterThanOrEqual(Math.floor(Math.max(...perEndpoint) / 2));
    for (const name of names) {
      const lines = await env.prisma.logLine.count({ where: { endpointId: env.ep(name), source: "container", text: { contains: "random_device could not be read" } } });
      expect(lines, name).toBeGreaterThan(0);
    }
    await p.stop();
  });

  it("a load-balancer endpoint is stored with its type and never gets /health, /status or worker-list calls", async () => {
    env = await setupPollerTest({ endpoints: [{ name: "q", workers: { min: 1, max: 1, idleTimeout: 60 } }, { name: "lb", type: "LOAD_BALANCER" }] });
    const calls: RecordedCall[] = [];
    const p = env.poller({ client: recordingClient(env, calls) });
    await runFor(env, p, 120_000);
    const lb = await env.prisma.endpoint.findUniqueOrThrow({ where: { id: env.ep("lb") } });
    expect(lb.type).toBe("LOAD_BALANCER");
    expect((await env.prisma.endpoint.findUniqueOrThrow({ where: { id: env.ep("q") } })).type).toBe("QUEUE");
    expect(calls.filter((c) => c.endpointId === env!.ep("lb"))).toEqual([]);
    expect(calls.filter((c) => c.endpointId === env!.ep("q") && c.op === "health").length).toBeGreaterThan(5);
    expect(p.heldEndpoints()).toEqual([env.ep("q")]);
    expect(await env.prisma.pollError.count({ where: { endpointId: { startsWith: env.tag } } })).toBe(0);
    const dto = await getEndpoint({ id: env.ep("lb") }, createCtx({ db: env.prisma }));
    expect(dto?.type).toBe("LOAD_BALANCER");
    expect(describeEndpointHealth(dto!, 0).text).toMatch(/Load-balancer/);
    await p.stop();
  });

  it("/health counters RunPod does not send are stored null and read 'not reported'; the config version comes from endpointVersion", async () => {
    env = await setupPollerTest({ endpoints: [{ name: "q", version: 4, workers: { min: 1, max: 1, idleTimeout: 60 }, coldStartMs: 1_000 }] });
    const p = env.poller();
    await runFor(env, p, 12_000);
    const snap = await env.prisma.healthSnapshot.findFirstOrThrow({ where: { endpointId: env.ep("q") }, orderBy: { takenAt: "desc" } });
    expect(snap).toMatchObject({ workersIdle: 1, workersRunning: 0, jobsInQueue: 0, workersUnhealthy: null, workersThrottled: null, workersInitializing: null, workersReady: null });
    const at = new Date(env.sim.clock.now());
    const dto = await getEndpoint({ id: env.ep("q") }, createCtx({ db: env.prisma, now: () => at }));
    expect(dto?.latestSnapshot?.workers).toEqual({ idle: 1, running: 0, unhealthy: null, throttled: null, initializing: null, ready: null });
    expect(formatCounter(dto!.latestSnapshot!.workers.unhealthy)).toBe("not reported");
    expect(dto?.configVersion).toBe("4");
    await p.stop();
    await env.close();

    // with every counter sent, a 0 stays a 0
    env = await setupPollerTest({ endpoints: [{ name: "q", workers: { min: 1, max: 1, idleTimeout: 60 }, coldStartMs: 1_000 }], scenario: { health: { counters: "all" } } });
    const p2 = env.poller();
    await runFor(env, p2, 12_000);
    const full = await env.prisma.healthSnapshot.findFirstOrThrow({ where: { endpointId: env.ep("q") }, orderBy: { takenAt: "desc" } });
    expect(full).toMatchObject({ workersIdle: 1, workersUnhealthy: 0, workersThrottled: 0 });
    await p2.stop();
  });
});
