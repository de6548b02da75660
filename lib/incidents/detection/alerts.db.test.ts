import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";
import { DEFAULT_DETECTION_CONFIG, parseDetectionConfig } from "@/lib/incidents/detection/config";
import { detectEndpoint } from "@/lib/incidents/detection/module";
import { ALERT_QUEUE_AGE, ALERT_QUEUE_STALLED } from "@/lib/incidents/detection/incidents";
import { createCtx } from "@/lib/ctx";
import { getDetectionSettings } from "@/lib/incidents/repository";
import { updateDetectionSettings } from "@/lib/incidents/service";
import { AppError } from "@/lib/http/errors";

/** Alerts that need no classifier: same open / notify / resolve flow as crash incidents, editable thresholds. */
let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const T0 = Date.parse("2026-04-01T10:00:00Z") + Math.floor(Math.random() * 1e6) * 1000;
const at = (min: number) => new Date(T0 + min * 60_000);
const ADMIN: Principal = { kind: "user", id: null, name: "root", role: "admin", via: "session" };

async function endpoint() {
  const id = `alert-${randomBytes(4).toString("hex")}`;
  await prisma.endpoint.create({ data: { id, name: id } });
  return id;
}
async function health(endpointId: string, min: number, over: { inQueue?: number; completed?: number; idle?: number; running?: number } = {}) {
  await prisma.healthSnapshot.create({
    data: { endpointId, takenAt: at(min), jobsInQueue: over.inQueue ?? 0, jobsCompleted: over.completed ?? 0, workersIdle: over.idle ?? 1, workersRunning: over.running ?? 0 },
  });
}

describe("per-endpoint alerts without a classifier", () => {
  it("the oldest IN_QUEUE job waiting past the threshold opens an incident and notifies; fresh data with the job done resolves it", async () => {
    const ep = await endpoint();
    const cfg = DEFAULT_DETECTION_CONFIG;
    await prisma.job.create({ data: { id: `${ep}-j1`, endpointId: ep, status: "IN_QUEUE", submittedAt: at(0) } });
    await health(ep, 20, { inQueue: 1 });
    await detectEndpoint(prisma, ep, at(20), cfg);
    expect(await prisma.incident.count({ where: { endpointId: ep } })).toBe(0);
    await health(ep, 31, { inQueue: 1 });
    const s = await detectEndpoint(prisma, ep, at(31), cfg);
    expect(s.opened).toBe(1);
    const inc = await prisma.incident.findFirstOrThrow({ where: { endpointId: ep } });
    expect(inc).toMatchObject({ fingerprint: ALERT_QUEUE_AGE, state: "open", title: "Oldest queued job waits too long" });
    expect(await prisma.notification.count({ where: { dedupeKey: `${inc.id}:opened:0` } })).toBe(1);
    // no fresh data: stays open
    await prisma.job.update({ where: { id: `${ep}-j1` }, data: { status: "COMPLETED", finishedAt: at(32) } });
    await detectEndpoint(prisma, ep, at(40), cfg);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: inc.id } })).state).toBe("open");
    await health(ep, 41, { inQueue: 0, completed: 1 });
    await detectEndpoint(prisma, ep, at(41), cfg);
    expect((await prisma.incident.findUniqueOrThrow({ where: { id: inc.id } })).state).toBe("resolved");
    expect(await prisma.notification.count({ where: { dedupeKey: `${inc.id}:resolved:0` } })).toBe(1);
  });

  it("a queue that grows with no completions opens 'Queue grows with no completions'; 0 disables an alert", async () => {
    const ep = await endpoint();
    for (const [m, q] of [[0, 0], [3, 2], [6, 4], [9, 6]]) await health(ep, m, { inQueue: q });
    await detectEndpoint(prisma, ep, at(9), parseDetectionConfig({ alertQueueAgeMs: 0 }));
    expect((await prisma.incident.findMany({ where: { endpointId: ep } })).map((i) => i.fingerprint)).toEqual([ALERT_QUEUE_STALLED]);
    const other = await endpoint();
    for (const [m, q] of [[0, 0], [3, 2], [6, 4], [9, 6]]) await health(other, m, { inQueue: q });
    await detectEndpoint(prisma, other, at(9), parseDetectionConfig({ alertQueueAgeMs: 0, alertQueueGrowth: 0 }));
    expect(await prisma.incident.count({ where: { endpointId: other } })).toBe(0);
  });

  it("a queue that grows because the endpoint crash-loops pages once: the crash incident opens, the queue alert does not", async () => {
    const ep = await endpoint();
    for (const [m, q] of [[0, 0], [3, 2], [6, 4], [9, 6]]) await health(ep, m, { inQueue: q, idle: 0 });
    for (const m of [2, 5, 8]) {
      await prisma.crashEvent.create({
        data: { endpointId: ep, workerId: `${ep}-w1`, at: at(m), signature: "random_device", fingerprint: "random_device:random_device could not be read", title: "std::random_device could not be read", exitCode: 134, source: "exit", dedupeKey: `${ep}:${m}` },
      });
    }
    await detectEndpoint(prisma, ep, at(9), parseDetectionConfig({ alertQueueAgeMs: 0 }));
    expect((await prisma.incident.findMany({ where: { endpointId: ep } })).map((i) => i.signature)).toEqual(["random_device"]);
  });

  it("thresholds are editable: known keys only, validated, audited; null resets", async () => {
    const before = await getDetectionSettings({}, createCtx({ db: prisma }));
    expect(before.defaults.alertQueueAgeMs).toBe(30 * 60_000);
    await expect(updateDetectionSettings({ changes: { nope: 1 } }, createCtx({ db: prisma, principal: ADMIN }))).rejects.toBeInstanceOf(AppError);
    await expect(updateDetectionSettings({ changes: { minCrashes: 1 } }, createCtx({ db: prisma, principal: ADMIN }))).rejects.toThrow(/Invalid detection settings/);
    const after = await updateDetectionSettings({ changes: { alertQueueAgeMs: 45 * 60_000 } }, createCtx({ db: prisma, principal: ADMIN }));
    expect(after.values.alertQueueAgeMs).toBe(45 * 60_000);
    expect(after.overridden).toContain("alertQueueAgeMs");
    const reset = await updateDetectionSettings({ changes: { alertQueueAgeMs: null } }, createCtx({ db: prisma, principal: ADMIN }));
    expect(reset.values.alertQueueAgeMs).toBe(30 * 60_000);
    expect(await prisma.auditLog.count({ where: { action: "detection.settings" } })).toBeGreaterThanOrEqual(2);
  });
});

describe("capacity-aware flag with /health completion counters", () => {
  async function loopBesideCapacity(counterRises: boolean) {
    const ep = await endpoint();
    for (const w of ["bad", "good"]) await prisma.worker.create({ data: { endpointId: ep, id: `${ep}-${w}`, status: w === "bad" ? "UNHEALTHY" : "IDLE", image: "acme/tf:2.19", firstSeenAt: at(0), lastSeenAt: at(10) } });
    for (const [m, id] of [[4, "a"], [8, "b"]] as const) {
      await prisma.crashEvent.create({
        data: { endpointId: ep, workerId: `${ep}-bad`, at: at(m), signature: "random_device", fingerprint: "random_device:random_device could not be read", title: "rd", source: "log", dedupeKey: `${ep}-${id}`, evidence: [] },
      });
    }
    await prisma.job.create({ data: { id: `${ep}-q`, endpointId: ep, status: "IN_QUEUE", submittedAt: at(5) } });
    // jobs other clients send complete on the healthy worker: seen only in /health's completed counter
    for (const [m, done] of [[6, 10], [8, 10], [10, counterRises ? 14 : 10]]) await health(ep, m, { inQueue: 1, completed: done, idle: 1 });
    await detectEndpoint(prisma, ep, at(10), parseDetectionConfig({ alertQueueAgeMs: 0, alertQueueGrowth: 0, alertRateDropPct: 0 }));
    const job = await prisma.job.findUniqueOrThrow({ where: { id: `${ep}-q` } });
    const incidents = await prisma.incident.count({ where: { endpointId: ep, signature: "random_device" } });
    return { job, incidents };
  }

  it("healthy workers completing untracked jobs: 'queued (one worker crash-looping)', not flagged, still an incident", async () => {
    const { job, incidents } = await loopBesideCapacity(true);
    expect(job).toMatchObject({ verdict: "queued", flag: null });
    expect((job.verdictDetail as { reason: string }).reason).toContain("queued (one worker crash-looping)");
    expect(incidents).toBe(1);
  });

  it("no completion anywhere: the job is flagged", async () => {
    const { job, incidents } = await loopBesideCapacity(false);
    expect(job).toMatchObject({ verdict: "random_device_crash_loop", flag: "random_device_crash_loop" });
    expect(incidents).toBe(1);
  });
});
