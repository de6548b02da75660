import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { evaluateAllCriteria } from "@/lib/criteria/evaluation";
import { listCriteria, listCriterionHistory, seedDefaultCriteria } from "@/lib/criteria/repository";

const prisma = getPrisma();
afterAll(() => disconnectPrisma());

const uid = () => `crit-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const T0 = new Date("2026-11-20T10:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
/** The feature functions' context on this test's database with the clock stopped at `now`. */
const ctxAt = (now: Date) => createCtx({ db: prisma, now: () => now });

async function endpointWithCrashLoop(id: string) {
  await prisma.endpoint.create({ data: { id, name: id, createdAt: at(0) } });
  await prisma.worker.create({ data: { endpointId: id, id: `${id}-w1`, status: "UNHEALTHY", image: "team/trainer:v1", startedAt: at(1), firstSeenAt: at(1), lastSeenAt: at(10) } });
  for (const m of [2, 4]) {
    await prisma.crashEvent.create({
      data: {
        endpointId: id,
        workerId: `${id}-w1`,
        image: "team/trainer:v1",
        at: at(m),
        signature: "random_device",
        fingerprint: "random_device:could-not-be-read",
        title: "random_device could not be read",
        exitCode: 134,
        source: "log",
        evidence: [{ text: "  what():  random_device could not be read", match: true }],
        dedupeKey: `${id}-crash-${m}`,
      },
    });
  }
}

describe("criteria evaluation against recorded data", () => {
  it("seeds the status report's criteria once", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const again = await seedDefaultCriteria({}, createCtx({ db: prisma }));
    expect(again).toBe(0);
    expect(await prisma.criterion.count({ where: { key: "container-starts-without-random-device-crash" } })).toBe(1);
  });

  it("fails 'starts without random device crash' on the crashing image and passes after a fixed image rolls out", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria({}, ctxAt(at(10)));
    let rows = await listCriteria({ endpointId: id }, createCtx({ db: prisma }));
    let crit = rows.find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("fail");
    expect(crit.evidence[0]).toMatchObject({ kind: "crash" });
    expect(crit.summary).toContain("random_device");

    // The fix rolls out: a worker on v2 starts and becomes ready.
    await prisma.worker.create({ data: { endpointId: id, id: `${id}-w2`, status: "IDLE", image: "team/trainer:v2", startedAt: at(20), firstSeenAt: at(20), lastSeenAt: at(22) } });
    await prisma.workerEvent.create({ data: { endpointId: id, workerId: `${id}-w2`, kind: "state_change", fromStatus: "INITIALIZING", toStatus: "IDLE", image: "team/trainer:v2", at: at(21) } });
    await evaluateAllCriteria({}, ctxAt(at(25)));
    rows = await listCriteria({ endpointId: id }, createCtx({ db: prisma }));
    crit = rows.find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("pass");
    expect(crit.since).toBe(at(21).toISOString());

    const history = await listCriterionHistory({ criterionId: crit.id, endpointId: id }, createCtx({ db: prisma }));
    expect(history.map((h) => h.state)).toEqual(["pass", "fail"]);
  });

  it("a quiet-period criterion counts down from the last random_device crash", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria({}, ctxAt(at(60)));
    const crit = (await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).find((c) => c.key === "no-random-device-restarts-7d")!;
    expect(crit.state).toBe("fail");
    expect(crit.countdownEndsAt).toBe(new Date(at(4).getTime() + 7 * 86_400_000).toISOString());
    expect(crit.summary).toMatch(/passes in 6 d 23 h if none follows and workers keep working\.$/);
  });

  it("keeps one history row per state per hour, updated in place", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria({}, ctxAt(at(10)));
    await evaluateAllCriteria({}, ctxAt(at(11)));
    await evaluateAllCriteria({}, ctxAt(at(12)));
    const crit = (await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(await listCriterionHistory({ criterionId: crit.id, endpointId: id }, createCtx({ db: prisma }))).toHaveLength(1);
    expect(crit.evaluatedAt).toBe(at(12).toISOString());
    await evaluateAllCriteria({}, ctxAt(at(75)));
    expect(await listCriterionHistory({ criterionId: crit.id, endpointId: id }, createCtx({ db: prisma }))).toHaveLength(2);
  });
});

describe("crash evidence from stored log lines (no crash events recorded)", () => {
  it("fails on a classified random_device abort in the logs and ignores mere mentions", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const id = uid();
    await prisma.endpoint.create({ data: { id, name: id, createdAt: at(0) } });
    await prisma.worker.create({ data: { endpointId: id, id: `${id}-w1`, status: "UNHEALTHY", image: "team/trainer:v1", startedAt: at(1), firstSeenAt: at(1), lastSeenAt: at(10) } });
    const line = (m: number, text: string) =>
      prisma.logLine.create({ data: { endpointId: id, workerId: `${id}-w1`, source: "container", ts: at(m), text, dedupeKey: `${id}-${m}-${text.length}` } });
    await line(2, "INFO: seeding with std::random_device, see docs"); // a mention, not a crash
    await evaluateAllCriteria({}, ctxAt(at(5)));
    let crit = (await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("unknown"); // no crash, but no worker became ready either: nothing proves it starts

    await line(6, "terminate called after throwing an instance of 'std::runtime_error'");
    const abort = await line(6, "  what():  random_device could not be read");
    await evaluateAllCriteria({}, ctxAt(at(8)));
    crit = (await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("fail");
    expect(crit.evidence).toEqual([expect.objectContaining({ kind: "log_line", id: String(abort.id), endpointId: id })]);
    expect(crit.evidence[0].label).toContain("random_device could not be read");
  });
});

describe("truthful states from recorded data (issue 13)", () => {
  async function snapshot(endpointId: string, min: number, ready: number, unhealthy: number) {
    await prisma.healthSnapshot.create({ data: { endpointId, takenAt: at(min), workersIdle: ready, workersUnhealthy: unhealthy } });
  }

  it("no Pass → Fail → Pass flip within 20 minutes: the fail is held, then the pass comes through", async () => {
    const id = uid();
    await prisma.endpoint.create({ data: { id, name: id, createdAt: at(0) } });
    const crit = await prisma.criterion.create({ data: { key: `hc-${id}`, horizon: "immediate", title: "health", rule: "health_responds", params: { lastPolls: 1 }, endpointId: id } });
    const state = async () => (await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).find((c) => c.id === String(crit.id))!;
    await snapshot(id, 1, 2, 0);
    await evaluateAllCriteria({ criterionIds: [String(crit.id)] }, ctxAt(at(1)));
    expect((await state()).state).toBe("pass");
    await snapshot(id, 2, 0, 2);
    await evaluateAllCriteria({ criterionIds: [String(crit.id)] }, ctxAt(at(2)));
    expect((await state()).state).toBe("fail");
    await snapshot(id, 5, 2, 0);
    await evaluateAllCriteria({ criterionIds: [String(crit.id)] }, ctxAt(at(5)));
    const held = await state();
    expect(held.state).toBe("fail");
    expect(held.summary).toContain("Held as fail until");
    await snapshot(id, 23, 2, 0);
    await evaluateAllCriteria({ criterionIds: [String(crit.id)] }, ctxAt(at(23)));
    expect((await state()).state).toBe("pass");
    expect((await state()).evidenceAt).toBe(at(23).toISOString());
  });

  it("purged and expired jobs count as not served; ten short incidents fail production-ready", async () => {
    const id = uid();
    await prisma.endpoint.create({ data: { id, name: id, createdAt: new Date(at(0).getTime() - 40 * 86_400_000) } });
    const rate = await prisma.criterion.create({ data: { key: `rate-${id}`, horizon: "short_term", title: "rate", rule: "job_success_rate", params: { minJobs: 10 }, endpointId: id } });
    const prod = await prisma.criterion.create({ data: { key: `prod-${id}`, horizon: "long_term", title: "prod", rule: "production_ready", params: {}, endpointId: id } });
    for (let i = 0; i < 20; i++) await prisma.job.create({ data: { id: `${id}-ok-${i}`, endpointId: id, status: "COMPLETED", startedAt: at(i), finishedAt: at(i + 1), executionTime: 1000 } });
    const ids = [String(rate.id), String(prod.id)];
    await evaluateAllCriteria({ criterionIds: ids }, ctxAt(at(60)));
    const byKey = async () => new Map((await listCriteria({ endpointId: id }, createCtx({ db: prisma }))).map((c) => [c.key, c]));
    expect((await byKey()).get(`rate-${id}`)!.state).toBe("pass");
    expect((await byKey()).get(`prod-${id}`)!.state).toBe("pass");
    // purging the stuck queue: cancelled while queued and expired jobs are not served
    for (let i = 0; i < 3; i++) await prisma.job.create({ data: { id: `${id}-purged-${i}`, endpointId: id, status: "CANCELLED", finishedAt: at(30 + i) } });
    await prisma.job.create({ data: { id: `${id}-expired`, endpointId: id, status: "EXPIRED", expiredAt: at(40) } });
    for (let i = 0; i < 10; i++) await prisma.incident.create({ data: { endpointId: id, signature: "random_device", fingerprint: `fp-${i}`, title: "loop", state: "resolved", openedAt: at(-6 * 24 * 60 + i * 300), resolvedAt: at(-6 * 24 * 60 + i * 300 + 30) } });
    await evaluateAllCriteria({ criterionIds: ids }, ctxAt(at(61)));
    const after = await byKey();
    expect(after.get(`rate-${id}`)!.state).toBe("fail");
    expect(after.get(`rate-${id}`)!.summary).toContain("served");
    expect(after.get(`prod-${id}`)!.state).toBe("fail");
    expect(after.get(`prod-${id}`)!.summary).toContain("10 incidents opened");
  });
});
