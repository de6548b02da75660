import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { submitJob } from "@/lib/jobs/service";
import { countRows, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

const HEALTHY = {
  name: "healthy",
  workers: { min: 1, max: 2, idleTimeout: 60 },
  coldStartMs: 2_000,
  jobDurationMs: { min: 4_000, max: 4_000 },
  behaviour: { type: "healthy" as const, failureRate: 0 },
};
const CRASHING = {
  name: "crash",
  workers: { min: 1, max: 1, idleTimeout: 60 },
  coldStartMs: 2_000,
  restartMs: 1_000,
  behaviour: { type: "crash_loop" as const, crash: "random_device" as const, crashAfterMs: 2_000, backoff: { initialMs: 3_000, factor: 1, maxMs: 3_000 } },
};

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe("poller: one cycle against the simulator", () => {
  it("writes endpoints, health snapshots, workers and their events; a second cycle writes nothing new", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY, CRASHING] });
    const p = env.poller();
    const s1 = await p.tick();
    expect(s1.errors).toBe(0);
    expect(s1.endpoints.sort()).toEqual([env.ep("crash"), env.ep("healthy")]);
    const after1 = await countRows(env.prisma, env.tag);
    expect(after1).toMatchObject({ endpoints: 2, snapshots: 2, workers: 2, workerEvents: 2, jobs: 0, pollErrors: 0 });
    const events = await env.prisma.workerEvent.findMany({ where: { endpointId: { startsWith: env.tag } } });
    expect(events.map((e) => e.kind)).toEqual(["appeared", "appeared"]);
    const inst = await env.prisma.pollerInstance.findUniqueOrThrow({ where: { id: p.instanceId } });
    expect(inst.lastTickAt?.getTime()).toBe(env.sim.clock.now());

    const s2 = await p.tick();
    expect(s2.errors).toBe(0);
    expect(await countRows(env.prisma, env.tag)).toEqual(after1);
    await p.stop();
  });

  it("tracks submitted jobs through every transition with RunPod's timings", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY, CRASHING] });
    const p = env.poller();
    await p.tick();
    const now = () => new Date(env!.sim.clock.now());
    const ok = await submitJob({ endpointId: env.ep("healthy"), input: { x1: 1, x2: 2 } }, createCtx({ db: env.prisma, runpod: env.client, now: now }));
    const stuck = await submitJob({ endpointId: env.ep("crash"), input: { x1: 1, x2: 2 } }, createCtx({ db: env.prisma, runpod: env.client, now: now }));
    expect(ok.status).toBe("IN_QUEUE");
    for (let i = 0; i < 20; i++) {
      await env.advance(1_000);
      await p.tick();
    }
    const done = await env.prisma.job.findUniqueOrThrow({ where: { id: ok.id }, include: { transitions: { orderBy: { at: "asc" } } } });
    expect(done.status).toBe("COMPLETED");
    expect(done.transitions.map((t) => t.toStatus)).toEqual(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
    expect(done.transitions.map((t) => t.source)).toEqual(["submit", "poll", "poll"]);
    expect(done.delayTime).toBeGreaterThan(0);
    expect(done.executionTime).toBe(4_000);
    expect(done.workerId).toBeTruthy();
    expect(done.output).toBeTruthy();
    expect(done.nextPollAt).toBeNull();
    const queued = await env.prisma.job.findUniqueOrThrow({ where: { id: stuck.id }, include: { transitions: true } });
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.transitions).toHaveLength(1);

    const before = await countRows(env.prisma, env.tag);
    const polls = done.pollCount;
    await p.tick();
    expect(await countRows(env.prisma, env.tag)).toEqual(before);
    // terminal jobs are never polled again
    expect((await env.prisma.job.findUniqueOrThrow({ where: { id: ok.id } })).pollCount).toBe(polls);
    await p.stop();
  });
});

describe("poller: restarts, expiry, crash loops, logs, modules", () => {
  it("a new poller instance after a restart loses nothing and duplicates nothing", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY, CRASHING] });
    const now = () => new Date(env!.sim.clock.now());
    // workers and logs every second, so that the stopped instance saw everything up to its last tick
    const fast = { workersIntervalMs: 1_000, logsIntervalMs: 1_000 };
    const a = env.poller({ instanceId: `${env.tag}-a`, config: fast });
    await a.tick();
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await submitJob({ endpointId: env.ep("healthy"), input: { x1: i, x2: 1 } }, createCtx({ db: env.prisma, runpod: env.client, now: now })));
    for (let i = 0; i < 4; i++) {
      await env.advance(1_000);
      await a.tick();
    }
    await a.stop();
    const before = await countRows(env.prisma, env.tag);
    const b = env.poller({ instanceId: `${env.tag}-b`, config: fast });
    const s = await b.tick();
    expect(s.errors).toBe(0);
    expect(await countRows(env.prisma, env.tag)).toEqual(before);
    for (let i = 0; i < 30; i++) {
      await env.advance(1_000);
      await b.tick();
    }
    for (const j of jobs) {
      const row = await env.prisma.job.findUniqueOrThrow({ where: { id: j.id }, include: { transitions: { orderBy: { at: "asc" } } } });
      expect({ id: row.id, status: row.status, sim: env.sim.state.jobs.get(row.id)?.status }).toEqual({ id: row.id, status: "COMPLETED", sim: "COMPLETED" });
      expect(row.transitions.map((t) => t.toStatus)).toEqual(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
    }
    // exactly one snapshot per endpoint per health interval across both instances
    const snaps = await env.prisma.healthSnapshot.findMany({ where: { endpointId: env.ep("healthy") }, orderBy: { takenAt: "asc" } });
    const gaps = snaps.slice(1).map((s, i) => s.takenAt.getTime() - snaps[i].takenAt.getTime());
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
    const appeared = await env.prisma.workerEvent.groupBy({ by: ["workerId"], where: { endpointId: { startsWith: env.tag }, kind: "appeared" }, _count: { _all: true } });
    expect(appeared.every((g) => g._count._all === 1)).toBe(true);
    await b.stop();
  });

  it("marks a job whose TTL passed (404) as EXPIRED, not FAILED", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING], scenario: { jobs: { ttlExpiredInQueue: "REMOVE" } } });
    const now = () => new Date(env!.sim.clock.now());
    const p = env.poller();
    await p.tick();
    const job = await submitJob({ endpointId: env.ep("crash"), input: { x1: 1, x2: 1 }, policy: { ttl: 10_000 } }, createCtx({ db: env.prisma, runpod: env.client, now: now }));
    for (let i = 0; i < 14; i++) {
      await env.advance(5_000);
      await p.tick();
    }
    const row = await env.prisma.job.findUniqueOrThrow({ where: { id: job.id }, include: { transitions: { orderBy: { at: "asc" } } } });
    expect(row.status).toBe("EXPIRED");
    expect(row.expiredAt).not.toBeNull();
    expect(row.nextPollAt).toBeNull();
    expect(row.transitions.map((t) => [t.toStatus, t.source])).toEqual([
      ["IN_QUEUE", "submit"],
      ["EXPIRED", "expire"],
    ]);
    const polls = row.pollCount;
    await env.advance(120_000);
    await p.tick();
    expect((await env.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).pollCount).toBe(polls);
    await p.stop();
  });

  it("detects crash-loop restarts and stores each worker log line once, after the worker is gone too", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING] });
    const p = env.poller({ config: { workersIntervalMs: 2_000, logsIntervalMs: 2_000 } });
    for (let i = 0; i < 20; i++) {
      await p.tick();
      await env.advance(1_000);
    }
    await p.tick();
    const workers = await env.prisma.worker.findMany({ where: { endpointId: env.ep("crash") } });
    expect(workers.length).toBeGreaterThanOrEqual(1);
    const w = workers.sort((x, y) => y.restartCount - x.restartCount)[0];
    expect(w.restartCount).toBeGreaterThanOrEqual(2);
    expect(w.lastRestartAt).not.toBeNull();
    const restarts = await env.prisma.workerEvent.count({ where: { endpointId: env.ep("crash"), workerId: w.id, kind: "restart" } });
    expect(restarts).toBe(w.restartCount);
    const unhealthy = await env.prisma.workerEvent.count({ where: { endpointId: env.ep("crash"), kind: "state_change", toStatus: "UNHEALTHY" } });
    expect(unhealthy).toBeGreaterThanOrEqual(1);

    const aborts = await env.prisma.logLine.findMany({ where: { endpointId: env.ep("crash"), text: { contains: "random_device could not be read" } } });
    expect(aborts.length).toBeGreaterThanOrEqual(2);
    // each abort once (event ids are timestamps and not unique on RunPod; storage keys lines on content)
    expect(new Set(aborts.map((l) => `${l.workerId} ${l.eventId} ${l.text}`)).size).toBe(aborts.length);
    expect(await env.prisma.logLine.count({ where: { endpointId: env.ep("crash"), source: "system" } })).toBeGreaterThan(0);

    // forget every cursor: the next read replays history (tail), and nothing is stored twice
    await env.prisma.worker.updateMany({ where: { endpointId: env.ep("crash") }, data: { logCursor: null, logCursorAt: null } });
    await env.advance(2_000);
    const again = await p.tick();
    expect(again.logReads).toBeGreaterThan(0);
    const simEp = env.sim.state.getEndpoint(env.ep("crash"))!;
    for (const sw of simEp.workers.values()) {
      const stored = await env.prisma.logLine.count({ where: { endpointId: env.ep("crash"), workerId: sw.id } });
      expect(stored).toBe(env.sim.state.logLines(sw).length);
    }

    // lines stay after RunPod forgets the worker
    const total = await env.prisma.logLine.count({ where: { endpointId: env.ep("crash") } });
    await env.prisma.worker.updateMany({ where: { endpointId: env.ep("crash") }, data: { goneAt: new Date(env.sim.clock.now()) } });
    expect(await env.prisma.logLine.count({ where: { endpointId: env.ep("crash") } })).toBe(total);
    await p.stop();
  });

  it("a failing module is recorded as a PollError and the poller goes on", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    let runs = 0;
    const p = env.poller({
      modules: [
        { name: `boom-${env.tag}`, everyMs: 1_000, run: async () => { runs++; throw new Error("module exploded"); } },
        { name: `count-${env.tag}`, everyMs: 5_000, run: async (ctx) => { expect(ctx.endpoints).toEqual([env!.ep("healthy")]); } },
      ],
    });
    const s1 = await p.tick();
    expect(s1.modules).toEqual([`count-${env.tag}`]);
    await env.advance(1_000);
    const s2 = await p.tick();
    expect(s2.modules).toEqual([]);
    expect(runs).toBe(2);
    const errs = await env.prisma.pollError.findMany({ where: { operation: `module:boom-${env.tag}` } });
    expect(errs).toHaveLength(2);
    expect(errs[0].message).toContain("module exploded");
    expect(s2.healthSnapshots + s1.healthSnapshots).toBeGreaterThan(0);
    await p.stop();
  });
});
