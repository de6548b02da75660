import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { controlSweep, createSweep, getSweep } from "@/lib/sweeps/service";
import { createCtx } from "@/lib/ctx";
import { resolveIncident } from "@/lib/incidents/service";
import { createDetectionModule } from "@/lib/incidents/detection/module";
import { sweepControllerModule } from "@/lib/sweeps/module";
import { RANDOM_DEVICE_LOOP, runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { createDamagePolicyModule } from "./module";
import { setDamagePolicy } from "./policy";
import { pauseSweepsForEndpoint } from "./sweeps-pause";

const ONCALL: Principal = { kind: "user", id: null, name: "oncall-olga", role: "oncall", via: "session" };
const SWEEP = { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 50, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } };

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});


describe("damage policy", () => {
  it("by default pauses the sweeps of a crash-looping endpoint (queued trials kept, nothing sent) and resumes them once the incident resolves", async () => {
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP] });
    const e = env;
    const now = () => new Date(e.sim.clock.now());
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [sweepControllerModule, createDetectionModule(), createDamagePolicyModule({ everyMs: 1_000 })] });
    await p.tick();
    const sweep = await createSweep({ endpointId: e.ep("rd"), name: "blocked", config: SWEEP, parallel: 2, seed: 5 }, ONCALL, { prisma: e.prisma });
    await runFor(e, p, 60_000);
    const paused = await getSweep(sweep.id, { prisma: e.prisma });
    expect(paused.state).toBe("paused");
    expect(paused.stateReason).toMatch(/^paused by policy: endpoint .* is crash-looping \(incident #\d+/);
    const submitted = await e.prisma.trial.count({ where: { sweepId: sweep.id, jobId: { not: null } } });
    expect(submitted).toBeLessThanOrEqual(2);
    expect(await e.prisma.trial.count({ where: { sweepId: sweep.id, status: "queued" } })).toBe(submitted);
    await runFor(e, p, 20_000);
    expect(await e.prisma.trial.count({ where: { sweepId: sweep.id, jobId: { not: null } } })).toBe(submitted);

    const inc = await e.prisma.incident.findFirstOrThrow({ where: { endpointId: e.ep("rd"), state: { not: "resolved" } } });
    e.sim.state.applyChange(e.sim.state.getEndpoint(e.ep("rd"))!, { type: "healthy", failureRate: 0 }, "acme/tf:2.19-r2", "fix");
    await resolveIncident({ id: inc.id.toString() }, createCtx({ db: e.prisma, now, principal: ONCALL }));
    await runFor(e, p, 3_000);
    const resumed = await getSweep(sweep.id, { prisma: e.prisma });
    expect(resumed.state).toBe("running");
    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "sweep", targetId: sweep.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ["sweep.create", "oncall-olga"],
      ["sweep.pause", "sweepwatch policy"],
      ["sweep.resume", "sweepwatch policy"],
    ]);
    await p.stop();
  });

  it("a sweep that a person resumes during the incident stays running: the policy does not pause it again", async () => {
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP] });
    const e = env;
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [sweepControllerModule, createDetectionModule(), createDamagePolicyModule({ everyMs: 1_000 })] });
    await p.tick();
    const sweep = await createSweep({ endpointId: e.ep("rd"), name: "overruled", config: SWEEP, parallel: 2, seed: 5 }, ONCALL, { prisma: e.prisma });
    await runFor(e, p, 60_000);
    expect((await getSweep(sweep.id, { prisma: e.prisma })).state).toBe("paused");
    await controlSweep(sweep.id, "resume", ONCALL, { prisma: e.prisma });
    await runFor(e, p, 20_000);
    expect(await e.prisma.incident.count({ where: { endpointId: e.ep("rd"), state: { not: "resolved" } } })).toBe(1);
    expect((await getSweep(sweep.id, { prisma: e.prisma })).state).toBe("running");
    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "sweep", targetId: sweep.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ["sweep.create", "oncall-olga"],
      ["sweep.pause", "sweepwatch policy"],
      ["sweep.resume", "oncall-olga"],
    ]);
    await p.stop();
  });

  it("turned off, the policy leaves sweeps alone; a manual pause can cancel queued trials", async () => {
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP] });
    const e = env;
    const now = () => new Date(e.sim.clock.now());
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [sweepControllerModule, createDetectionModule(), createDamagePolicyModule({ everyMs: 1_000 })] });
    await p.tick();
    await setDamagePolicy({ endpointId: e.ep("rd"), autoPauseSweeps: false, actor: ONCALL }, { prisma: e.prisma });
    const sweep = await createSweep({ endpointId: e.ep("rd"), name: "left-alone", config: SWEEP, parallel: 2, seed: 5 }, ONCALL, { prisma: e.prisma });
    await runFor(e, p, 60_000);
    expect((await getSweep(sweep.id, { prisma: e.prisma })).state).toBe("running");
    const queued = await e.prisma.trial.count({ where: { sweepId: sweep.id, status: "queued" } });
    expect(queued).toBeGreaterThan(0);

    const r = await pauseSweepsForEndpoint({ endpointId: e.ep("rd"), actor: ONCALL, queuedTrials: "cancel", reason: "paused from incident by oncall-olga" }, { prisma: e.prisma, client: e.client, now });
    expect(r.paused).toEqual([{ id: sweep.id, name: "left-alone", from: "running", keptQueued: 0, cancelledQueued: queued }]);
    expect(await e.prisma.trial.count({ where: { sweepId: sweep.id, status: "queued" } })).toBe(0);
    expect(e.sim.state.getEndpoint(e.ep("rd"))!.inQueue).toBe(0);
    await p.stop();
  });
});
