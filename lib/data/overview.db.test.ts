import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { evaluateAllCriteria } from "@/lib/criteria/evaluation";
import { seedDefaultCriteria } from "@/lib/criteria/repository";
import { describeEndpointHealth, getOverview } from "./overview";

const prisma = getPrisma();
afterAll(() => disconnectPrisma());

const uid = () => `ov-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const now = new Date("2026-11-22T12:00:00Z");

describe("getOverview", () => {
  it("shows open incidents, flagged jobs, endpoint health, running sweeps and the criteria summary", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const sick = uid();
    const fine = uid();
    await prisma.endpoint.create({ data: { id: sick, name: "sick one" } });
    await prisma.endpoint.create({ data: { id: fine, name: "fine one", displayName: "Fine" } });
    await prisma.healthSnapshot.create({ data: { endpointId: sick, takenAt: new Date(now.getTime() - 5_000), jobsInQueue: 4, workersIdle: 0, workersRunning: 0, workersUnhealthy: 2 } }); // a counter left out is "not reported" (null), no longer 0
    await prisma.healthSnapshot.create({ data: { endpointId: fine, takenAt: new Date(now.getTime() - 3_000), workersIdle: 1, workersRunning: 1 } });
    for (let i = 0; i < 3; i++) {
      // oldest of all flagged jobs (the list shows the oldest first), whatever other test files add meanwhile
      await prisma.job.create({ data: { id: `${sick}-j${i}`, endpointId: sick, status: "IN_QUEUE", flag: "random_device_crash_loop", submittedAt: new Date(Date.parse("2000-01-01T00:00:00Z") + i * 60_000) } });
    }
    await prisma.job.create({ data: { id: `${sick}-done`, endpointId: sick, status: "COMPLETED", flag: "random_device_crash_loop" } });
    const inc = await prisma.incident.create({
      // The overview lists the newest open incidents across the shared test database: open this one after
      // anything another test file may have left open, so the list's limit cannot push it out.
      data: { endpointId: sick, signature: "random_device", fingerprint: "random_device:x", title: "random_device crash loop", openedAt: new Date("2099-01-01T00:00:00Z") },
    });
    await prisma.incident.create({
      data: { endpointId: sick, signature: "random_device", fingerprint: "random_device:y", title: "old", state: "resolved", openedAt: new Date(now.getTime() - 9e6), resolvedAt: new Date(now.getTime() - 8e6) },
    });
    const sweep = await prisma.sweep.create({
      data: { endpointId: fine, name: `sweep ${fine}`, method: "random", config: {}, metricName: "loss", metricGoal: "minimize", state: "running", runCap: 4 },
    });
    await prisma.trial.create({ data: { sweepId: sweep.id, number: 1, params: {}, status: "completed", idempotencyKey: `${sweep.id}-1`, metricValue: 0.5 } });
    await evaluateAllCriteria({}, createCtx({ db: prisma, now: () => now }));

    const o = await getOverview(prisma, { now });
    const inc0 = o.incidents.items.find((i) => i.id === String(inc.id))!;
    expect(inc0).toMatchObject({ endpointId: sick, endpointName: "sick one", state: "open", title: "random_device crash loop" });
    expect(o.incidents.items.some((i) => i.title === "old")).toBe(false);
    expect(o.flaggedJobs.byEndpoint.find((b) => b.endpointId === sick)?.count).toBe(3);
    expect(o.flaggedJobs.items.filter((j) => j.endpointId === sick).map((j) => j.id)).toEqual([`${sick}-j0`, `${sick}-j1`, `${sick}-j2`]);
    const e1 = o.endpoints.find((e) => e.id === sick)!;
    expect(e1).toMatchObject({ health: "crash_looping", inQueue: 4, workersReady: 0, workersUnhealthy: 2, flaggedJobs: 3, openIncidents: 1 });
    expect(o.endpoints.find((e) => e.id === fine)).toMatchObject({ name: "Fine", health: "healthy", workersReady: 2 });
    const s = o.sweeps.items.find((x) => x.id === sweep.id)!;
    expect(s).toMatchObject({ state: "running", done: 1, total: 4, metricName: "loss" });
    expect(o.criteria.total).toBeGreaterThanOrEqual(9);
    expect(o.criteria.byHorizon.map((h) => h.horizon)).toEqual(["immediate", "short_term", "long_term"]);
    expect(o.criteria.evaluatedAt).not.toBeNull();
    expect(Date.parse(o.dataAge.newestSnapshotAt!)).toBeGreaterThanOrEqual(now.getTime() - 3_000);
  });
});

describe("describeEndpointHealth", () => {
  const snap = (w: Partial<Record<"idle" | "running" | "unhealthy" | "throttled" | "initializing", number>>, inQueue = 0) => ({
    takenAt: now.toISOString(),
    jobs: { inQueue, inProgress: 0, completed: 0, failed: 0, retried: 0 },
    workers: { idle: 0, running: 0, unhealthy: 0, throttled: 0, initializing: 0, ready: 0, ...w },
  });
  it("names the state in one word and one line", () => {
    expect(describeEndpointHealth({ paused: true, latestSnapshot: null, flaggedJobs: 0 }, 0).health).toBe("paused");
    expect(describeEndpointHealth({ paused: false, latestSnapshot: null, flaggedJobs: 0 }, 0).health).toBe("unknown");
    expect(describeEndpointHealth({ paused: false, latestSnapshot: snap({ throttled: 2 }, 3), flaggedJobs: 0 }, 0)).toEqual({ health: "no_workers", text: "2 worker(s) throttled, jobs waiting" });
    expect(describeEndpointHealth({ paused: false, latestSnapshot: snap({ unhealthy: 1 }), flaggedJobs: 0 }, 0).health).toBe("degraded");
    expect(describeEndpointHealth({ paused: false, latestSnapshot: snap({}), flaggedJobs: 0 }, 0)).toEqual({ health: "healthy", text: "Scaled to zero, nothing waiting" });
  });
});
