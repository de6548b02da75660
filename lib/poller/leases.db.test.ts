import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { submitJob } from "@/lib/jobs/service";
import { setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

const healthy = (name: string) => ({
  name,
  workers: { min: 1, max: 2, idleTimeout: 60 },
  coldStartMs: 2_000,
  jobDurationMs: { min: 3_000, max: 3_000 },
  behaviour: { type: "healthy" as const, failureRate: 0 },
});

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

async function leaseHolders(e: PollerTestEnv) {
  const rows = await e.prisma.lease.findMany({ where: { resource: { startsWith: `endpoint:${e.tag}-` } } });
  return new Map(rows.map((r) => [r.resource.slice("endpoint:".length), r.holder]));
}

describe("poller leases: several pollers on one database", () => {
  it("two pollers split the endpoints, never poll one endpoint together, and write no duplicates", async () => {
    env = await setupPollerTest({ endpoints: ["a", "b", "c", "d"].map(healthy) });
    const p1 = env.poller({ instanceId: `${env.tag}-one` });
    const p2 = env.poller({ instanceId: `${env.tag}-two` });
    await p1.tick(); // discovers and takes everything (it is alone)
    expect(p1.heldEndpoints()).toHaveLength(4);
    const now = () => new Date(env!.sim.clock.now());
    const jobs = [];
    for (const name of ["a", "b", "c", "d"]) {
      for (let i = 0; i < 2; i++) jobs.push(await submitJob({ endpointId: env.ep(name), input: { x1: i, x2: 1 } }, createCtx({ db: env.prisma, runpod: env.client, now: now })));
    }
    for (let i = 0; i < 40; i++) {
      // both tick at the same moment, racing for leases
      const [s1, s2] = await Promise.all([p1.tick(), p2.tick()]);
      const overlap = s1.endpoints.filter((x) => s2.endpoints.includes(x));
      expect(overlap).toEqual([]);
      await env.advance(1_000);
    }
    expect(p1.heldEndpoints()).toHaveLength(2);
    expect(p2.heldEndpoints()).toHaveLength(2);
    const holders = await leaseHolders(env);
    expect(new Set(holders.values())).toEqual(new Set([p1.instanceId, p2.instanceId]));

    for (const j of jobs) {
      const row = await env.prisma.job.findUniqueOrThrow({ where: { id: j.id }, include: { transitions: { orderBy: { at: "asc" } } } });
      expect(row.status).toBe("COMPLETED");
      expect(row.transitions.map((t) => t.toStatus)).toEqual(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
    }
    for (const name of ["a", "b", "c", "d"]) {
      const snaps = await env.prisma.healthSnapshot.findMany({ where: { endpointId: env.ep(name) }, orderBy: { takenAt: "asc" } });
      const gaps = snaps.slice(1).map((s, i) => s.takenAt.getTime() - snaps[i].takenAt.getTime());
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10_000);
      expect(snaps.length).toBeGreaterThanOrEqual(4);
    }
    const appeared = await env.prisma.workerEvent.groupBy({ by: ["workerId"], where: { endpointId: { startsWith: `${env.tag}-` }, kind: "appeared" }, _count: { _all: true } });
    expect(appeared.length).toBeGreaterThanOrEqual(4);
    expect(appeared.every((g) => g._count._all === 1)).toBe(true);
    await Promise.all([p1.stop(), p2.stop()]);
    expect((await leaseHolders(env)).size).toBe(0);
  });

  it("a killed poller's endpoints are taken over within one lease period", async () => {
    env = await setupPollerTest({ endpoints: ["a", "b", "c"].map(healthy) });
    const leaseMs = 10_000;
    const victim = env.poller({ instanceId: `${env.tag}-victim`, config: { leaseMs } });
    const survivor = env.poller({ instanceId: `${env.tag}-survivor`, config: { leaseMs } });
    await victim.tick();
    await survivor.tick();
    expect(victim.heldEndpoints()).toHaveLength(3);
    const killedAt = env.sim.clock.now();
    // the victim never ticks again (as after kill -9): no renewal, no release, no "stopped" mark
    let takenAt: number | null = null;
    for (let i = 0; i < 30 && takenAt === null; i++) {
      await env.advance(1_000);
      const s = await survivor.tick();
      if (s.endpoints.length === 3) takenAt = env.sim.clock.now();
    }
    expect(takenAt).not.toBeNull();
    expect(takenAt! - killedAt).toBeLessThanOrEqual(leaseMs + 1_000);
    const holders = await leaseHolders(env);
    expect([...holders.values()]).toEqual([survivor.instanceId, survivor.instanceId, survivor.instanceId]);
    // and the survivor carries on polling them
    await env.advance(10_000);
    const s = await survivor.tick();
    expect(s.healthSnapshots).toBe(3);
    await survivor.stop();
  });
});
