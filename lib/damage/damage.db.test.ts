import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import type { Principal } from "@/lib/auth/principal";
import { submitJob } from "@/lib/jobs/service";
import { getIncidentCost } from "@/lib/damage/costs";
import { resolveIncident } from "@/lib/incidents/service";
import { createDetectionModule } from "@/lib/incidents/detection/module";
import { RANDOM_DEVICE_LOOP, runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { getMaxWorkersState, restoreMaxWorkers, zeroMaxWorkers } from "./max-workers";

const ONCALL: Principal = { kind: "user", id: null, name: "oncall-olga", role: "oncall", via: "session" };
const CRASHING = { ...RANDOM_DEVICE_LOOP, gpuTypeIds: ["NVIDIA H100 80GB HBM3"] };

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});


describe("damage control against the simulator", () => {
  it("an incident's cost grows while it is open and stops growing once it is resolved", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING] });
    const e = env;
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule()] });
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    await submitJob({ endpointId: e.ep("rd"), input: { x1: 1, x2: 2 } }, createCtx({ db: e.prisma, runpod: e.client, now: now }));
    await runFor(e, p, 60_000);
    const inc = await e.prisma.incident.findFirstOrThrow({ where: { endpointId: e.ep("rd") } });
    const first = await getIncidentCost(inc.id.toString(), { prisma: e.prisma, now });
    expect(first.running).toBe(true);
    expect(first.wastedGpuSeconds).toBeGreaterThan(0);
    expect(first.workers.every((w) => w.reason === "crashed" && w.gpuTypeId === "NVIDIA H100 80GB HBM3")).toBe(true);
    expect(first.estimatedUsd).toBeCloseTo(first.wastedGpuSeconds * 0.00116, 6);
    expect(first.estimate).toMatchObject({ asOf: "2026-12-05", tier: "flex" });

    await runFor(e, p, 30_000);
    const second = await getIncidentCost(inc.id.toString(), { prisma: e.prisma, now });
    expect(second.wastedGpuSeconds).toBeGreaterThan(first.wastedGpuSeconds);

    await resolveIncident({ id: inc.id.toString(), comment: "rolled back" }, createCtx({ db: e.prisma, now, principal: ONCALL }));
    const atResolve = await getIncidentCost(inc.id.toString(), { prisma: e.prisma, now });
    expect(atResolve.running).toBe(false);
    await e.advance(60_000);
    const later = await getIncidentCost(inc.id.toString(), { prisma: e.prisma, now });
    expect(later.wastedGpuSeconds).toBe(atResolve.wastedGpuSeconds);
    expect(later.estimatedUsd).toBe(atResolve.estimatedUsd);
    await p.stop();
  });

  it("max workers 0 and restore each send one PATCH, refuse repeats without sending, and are audited", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING] });
    const e = env;
    const p = e.poller();
    await p.tick();
    const deps = { prisma: e.prisma, client: e.client, now: () => new Date(e.sim.clock.now()) };
    const epId = e.ep("rd");
    expect(e.sim.stats.endpointUpdates).toBe(0);

    const zeroed = await zeroMaxWorkers({ endpointId: epId, actor: ONCALL, incidentId: null }, deps);
    expect(zeroed).toMatchObject({ state: "zeroed", previousMax: 2, changedBy: "oncall-olga" });
    expect(e.sim.stats.endpointUpdates).toBe(1);
    expect((await e.client.getEndpoint(epId)).workers?.max).toBe(0);
    // two more clicks, concurrently: both refused, nothing sent
    const again = await Promise.allSettled([zeroMaxWorkers({ endpointId: epId, actor: ONCALL }, deps), zeroMaxWorkers({ endpointId: epId, actor: ONCALL }, deps)]);
    expect(again.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(e.sim.stats.endpointUpdates).toBe(1);

    const restores = await Promise.allSettled([restoreMaxWorkers({ endpointId: epId, actor: ONCALL }, deps), restoreMaxWorkers({ endpointId: epId, actor: ONCALL }, deps)]);
    expect(restores.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(e.sim.stats.endpointUpdates).toBe(2);
    expect((await e.client.getEndpoint(epId)).workers?.max).toBe(2);
    expect((await getMaxWorkersState(epId, deps)).state).toBe("normal");
    await expect(restoreMaxWorkers({ endpointId: epId, actor: ONCALL }, deps)).rejects.toThrow(/nothing to restore/);
    expect(e.sim.stats.endpointUpdates).toBe(2);

    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "endpoint", targetId: epId }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ["endpoint.max_workers.zero", "oncall-olga"],
      ["endpoint.max_workers.restore", "oncall-olga"],
    ]);
    expect(audit[0].detail).toMatchObject({ previousMax: 2 });
    expect(audit[1].detail).toMatchObject({ restoredTo: 2 });
    await p.stop();
  });
});
