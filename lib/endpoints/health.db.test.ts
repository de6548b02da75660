import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createPrismaClient } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { getLatestSnapshotTimes, recordHealthSnapshot } from "@/lib/endpoints/health";

const prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
const ctx = createCtx({ db: prisma });
afterAll(() => prisma.$disconnect());

const health = { jobs: { completed: 1, failed: 0, inProgress: 1, inQueue: 3, retried: 0 }, workers: { idle: 0, initializing: 0, ready: 0, running: 1, throttled: 0, unhealthy: 1 } };

describe("recordHealthSnapshot", () => {
  it("stores one row per endpoint and time; a replayed poll is ignored", async () => {
    const ep = `hs-${randomBytes(4).toString("hex")}`;
    await prisma.endpoint.create({ data: { id: ep, name: ep } });
    const takenAt = new Date("2026-06-01T12:00:00Z");
    expect(await recordHealthSnapshot({ endpointId: ep, takenAt, health, pollerId: "a" }, ctx)).toBe(true);
    expect(await recordHealthSnapshot({ endpointId: ep, takenAt, health, pollerId: "b" }, ctx)).toBe(false);
    const rows = await prisma.healthSnapshot.findMany({ where: { endpointId: ep } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ jobsInQueue: 3, jobsInProgress: 1, workersUnhealthy: 1, pollerId: "a" });
    expect((await prisma.endpoint.findUniqueOrThrow({ where: { id: ep } })).lastPolledAt?.toISOString()).toBe(takenAt.toISOString());
    expect((await getLatestSnapshotTimes({ endpointIds: [ep] }, ctx)).get(ep)?.toISOString()).toBe(takenAt.toISOString());
  });
});
