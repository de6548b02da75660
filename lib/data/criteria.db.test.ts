import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { evaluateAllCriteria, listCriteria, listCriterionHistory, seedDefaultCriteria } from "./criteria";

const prisma = getPrisma();
afterAll(() => disconnectPrisma());

const uid = () => `crit-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const T0 = new Date("2026-11-20T10:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

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
    await seedDefaultCriteria(prisma);
    const again = await seedDefaultCriteria(prisma);
    expect(again).toBe(0);
    expect(await prisma.criterion.count({ where: { key: "container-starts-without-random-device-crash" } })).toBe(1);
  });

  it("fails 'starts without random device crash' on the crashing image and passes after a fixed image rolls out", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria(prisma, at(10));
    let rows = await listCriteria(prisma, { endpointId: id });
    let crit = rows.find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("fail");
    expect(crit.evidence[0]).toMatchObject({ kind: "crash" });
    expect(crit.summary).toContain("random_device");

    // The fix rolls out: a worker on v2 starts and becomes ready.
    await prisma.worker.create({ data: { endpointId: id, id: `${id}-w2`, status: "IDLE", image: "team/trainer:v2", startedAt: at(20), firstSeenAt: at(20), lastSeenAt: at(22) } });
    await prisma.workerEvent.create({ data: { endpointId: id, workerId: `${id}-w2`, kind: "state_change", fromStatus: "INITIALIZING", toStatus: "IDLE", image: "team/trainer:v2", at: at(21) } });
    await evaluateAllCriteria(prisma, at(25));
    rows = await listCriteria(prisma, { endpointId: id });
    crit = rows.find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("pass");
    expect(crit.since).toBe(at(21).toISOString());

    const history = await listCriterionHistory(prisma, crit.id, { endpointId: id });
    expect(history.map((h) => h.state)).toEqual(["pass", "fail"]);
  });

  it("a quiet-period criterion counts down from the last random_device crash", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria(prisma, at(60));
    const crit = (await listCriteria(prisma, { endpointId: id })).find((c) => c.key === "no-random-device-restarts-7d")!;
    expect(crit.state).toBe("fail");
    expect(crit.countdownEndsAt).toBe(new Date(at(4).getTime() + 7 * 86_400_000).toISOString());
    expect(crit.summary).toMatch(/passes in 6 d 23 h if none follows and workers keep working\.$/);
  });

  it("keeps one history row per state per hour, updated in place", async () => {
    const id = uid();
    await endpointWithCrashLoop(id);
    await evaluateAllCriteria(prisma, at(10));
    await evaluateAllCriteria(prisma, at(11));
    await evaluateAllCriteria(prisma, at(12));
    const crit = (await listCriteria(prisma, { endpointId: id })).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(await listCriterionHistory(prisma, crit.id, { endpointId: id })).toHaveLength(1);
    expect(crit.evaluatedAt).toBe(at(12).toISOString());
    await evaluateAllCriteria(prisma, at(75));
    expect(await listCriterionHistory(prisma, crit.id, { endpointId: id })).toHaveLength(2);
  });
});

describe("crash evidence from stored log lines (no crash events recorded)", () => {
  it("fails on a classified random_device abort in the logs and ignores mere mentions", async () => {
    await seedDefaultCriteria(prisma);
    const id = uid();
    await prisma.endpoint.create({ data: { id, name: id, createdAt: at(0) } });
    await prisma.worker.create({ data: { endpointId: id, id: `${id}-w1`, status: "UNHEALTHY", image: "team/trainer:v1", startedAt: at(1), firstSeenAt: at(1), lastSeenAt: at(10) } });
    const line = (m: number, text: string) =>
      prisma.logLine.create({ data: { endpointId: id, workerId: `${id}-w1`, source: "container", ts: at(m), text, dedupeKey: `${id}-${m}-${text.length}` } });
    await line(2, "INFO: seeding with std::random_device, see docs"); // a mention, not a crash
    await evaluateAllCriteria(prisma, at(5));
    let crit = (await listCriteria(prisma, { endpointId: id })).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("unknown"); // no crash, but no worker became ready either: nothing proves it starts

    await line(6, "terminate called after throwing an instance of 'std::runtime_error'");
    const abort = await line(6, "  what():  random_device could not be read");
    await evaluateAllCriteria(prisma, at(8));
    crit = (await listCriteria(prisma, { endpointId: id })).find((c) => c.key === "container-starts-without-random-device-crash")!;
    expect(crit.state).toBe("fail");
    expect(crit.evidence).toEqual([expect.objectContaining({ kind: "log_line", id: String(abort.id), endpointId: id })]);
    expect(crit.evidence[0].label).toContain("random_device could not be read");
  });
});
