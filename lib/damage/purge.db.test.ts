import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import type { Principal } from "@/lib/auth/principal";
import type { RunpodClient } from "@/lib/runpod/client";
import { submitJob } from "@/lib/jobs/service";
import { RANDOM_DEVICE_LOOP, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { getPurge, purgeEndpointQueue, requestResubmit, RESUBMIT_MARKER } from "./purge";
import { createResubmitModule } from "./module";

const ONCALL: Principal = { kind: "user", id: null, name: "oncall-olga", role: "oncall", via: "session" };
const CRASHING = { ...RANDOM_DEVICE_LOOP, jobDurationMs: { min: 2_000, max: 2_000 } };

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** Resubmissions the simulator received, per original job id. */
function resubmittedCopies(e: PollerTestEnv): Map<string, number> {
  const out = new Map<string, number>();
  for (const j of e.sim.state.jobs.values()) {
    const m = (j.input as Record<string, { jobId?: string }> | null)?.[RESUBMIT_MARKER];
    if (m?.jobId) out.set(m.jobId, (out.get(m.jobId) ?? 0) + 1);
  }
  return out;
}

describe("purge the queue, then resubmit the purged jobs", () => {
  it("keeps the purged ids, and after the fix submits each exactly once, also when the resubmitting process dies midway", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING] });
    const e = env;
    const p = e.poller();
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    const deps = { prisma: e.prisma, client: e.client, now };
    const jobsCtx = createCtx({ db: e.prisma, runpod: e.client, now });
    const queued = [];
    for (let i = 0; i < 5; i++) queued.push(await submitJob({ endpointId: e.ep("rd"), input: { x1: i, x2: 2 } }, jobsCtx));
    for (let i = 0; i < 10; i++) {
      await e.advance(1_000);
      await p.tick();
    }
    expect(e.sim.state.getEndpoint(e.ep("rd"))!.inQueue).toBe(5);

    const purge = await purgeEndpointQueue({ endpointId: e.ep("rd"), actor: ONCALL }, deps);
    expect(purge.removed).toBe(5);
    expect(purge.jobs.map((j) => j.jobId).sort()).toEqual(queued.map((q) => q.id).sort());
    expect(purge.jobs.every((j) => j.state === "kept")).toBe(true);
    expect(e.sim.state.getEndpoint(e.ep("rd"))!.inQueue).toBe(0);

    // the fix rolls out
    e.sim.state.applyChange(e.sim.state.getEndpoint(e.ep("rd"))!, { type: "healthy", failureRate: 0 }, "acme/tf:2.19-r2", "fix");

    // the first process sends two /run calls and dies while the second is answered
    let calls = 0;
    const dying: Pick<RunpodClient, "run"> = {
      run: async (endpointId, body, opts) => {
        calls++;
        const res = await e.client.run(endpointId, body, opts);
        if (calls === 2) return new Promise(() => undefined); // never answers: the process is gone
        return res;
      },
    };
    const { processResubmits } = await import("./purge");
    await e.prisma.queuePurge.update({ where: { id: BigInt(purge.id) }, data: { resubmitRequestedAt: now(), resubmitRequestedBy: ONCALL.name } });
    void processResubmits(purge.id, { prisma: e.prisma, client: dying, now });
    await expect.poll(() => calls).toBe(2);
    await expect.poll(async () => (await getPurge(purge.id, deps)).jobs.filter((j) => j.state === "resubmitted").length).toBe(1);

    // a new poller picks up the rest
    const p2 = e.poller({ modules: [createResubmitModule({ everyMs: 1_000 })] });
    await e.advance(1_000);
    await p2.tick();
    const after = await getPurge(purge.id, deps);
    expect(after.jobs.filter((j) => j.state === "resubmitted")).toHaveLength(4);
    // the one whose answer was lost is never sent again; it is listed for a person to check
    expect(after.jobs.filter((j) => j.state === "outcome_unknown")).toHaveLength(1);
    const copies = resubmittedCopies(e);
    expect([...copies.keys()].sort()).toEqual(queued.map((q) => q.id).sort());
    expect([...copies.values()].every((n) => n === 1)).toBe(true);

    // more ticks, and a second click, send nothing
    await e.advance(2_000);
    await p2.tick();
    await expect(requestResubmit({ purgeId: purge.id, actor: ONCALL }, deps)).rejects.toThrow(/already resubmitted/);
    expect([...resubmittedCopies(e).values()].reduce((a, b) => a + b, 0)).toBe(5);

    // the resubmitted jobs run on the fixed endpoint
    for (let i = 0; i < 15; i++) {
      await e.advance(1_000);
      await p.tick();
    }
    const newIds = after.jobs.map((j) => j.newJobId).filter((x): x is string => !!x);
    const done = await e.prisma.job.findMany({ where: { id: { in: newIds } }, select: { status: true } });
    expect(done.map((d) => d.status)).toEqual(newIds.map(() => "COMPLETED"));
    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "endpoint", targetId: e.ep("rd") }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["endpoint.purge_queue"]);
    await p.stop();
    await p2.stop();
  });

  it("requestResubmit through the API path marks, audits and submits once", async () => {
    env = await setupPollerTest({ endpoints: [{ ...CRASHING, behaviour: { type: "healthy" as const, failureRate: 0 }, workers: { min: 0, max: 0, idleTimeout: 5 } }] });
    const e = env;
    const p = e.poller();
    await p.tick();
    const deps = { prisma: e.prisma, client: e.client, now: () => new Date(e.sim.clock.now()) };
    const jobsCtx = createCtx({ db: e.prisma, runpod: e.client, now: deps.now });
    const jobs = [await submitJob({ endpointId: e.ep("rd"), input: { a: 1 } }, jobsCtx), await submitJob({ endpointId: e.ep("rd"), input: { a: 2 } }, jobsCtx)];
    const purge = await purgeEndpointQueue({ endpointId: e.ep("rd"), actor: ONCALL }, deps);
    expect(purge.jobs).toHaveLength(2);
    const [a, b] = await Promise.allSettled([requestResubmit({ purgeId: purge.id, actor: ONCALL }, deps), requestResubmit({ purgeId: purge.id, actor: ONCALL }, deps)]);
    expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    expect([...resubmittedCopies(e).entries()].sort()).toEqual(jobs.map((j) => [j.id, 1]).sort());
    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "endpoint", targetId: e.ep("rd") }, orderBy: { id: "asc" } });
    expect(audit.map((x) => x.action)).toEqual(["endpoint.purge_queue", "endpoint.resubmit_purged"]);
    await p.stop();
  });
});
