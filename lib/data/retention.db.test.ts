import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createPrismaClient } from "@/lib/db";
import { downsampleOlderThan } from "@/lib/data/retention";
import { storeLogLines } from "@/lib/logs/store";
import { createCtx } from "@/lib/ctx";
import { createLogger } from "@/lib/log";
import { retentionModule } from "@/lib/poller/tasks/retention";
import type { PollerContext } from "@/lib/poller/types";

const prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
afterAll(() => prisma.$disconnect());

describe("downsampleOlderThan", () => {
  it("folds old snapshots and log lines into 1-minute buckets, deletes them, and is idempotent", async () => {
    const ep = `ret-${randomBytes(4).toString("hex")}`;
    await prisma.endpoint.create({ data: { id: ep, name: ep } });
    const t0 = Date.parse("2026-01-01T10:00:00Z");
    // 12 snapshots 10 s apart: minute 10:00 gets 6 (queue 0..5), minute 10:01 gets 6 (queue 6..11)
    for (let i = 0; i < 12; i++) {
      await prisma.healthSnapshot.create({ data: { endpointId: ep, takenAt: new Date(t0 + i * 10_000), jobsInQueue: i, workersUnhealthy: i % 3 } });
    }
    await storeLogLines(
      { lines: Array.from({ length: 5 }, (_, i) => ({ endpointId: ep, workerId: "w1", source: "container" as const, ts: new Date(t0 + i * 20_000), text: `line ${i}`, eventId: `e${i}` })) },
      createCtx({ db: prisma }),
    );
    const cutoff = new Date(t0 + 60_000 + 30_000); // inside minute 10:01: its first 3 snapshots go now
    const r1 = await downsampleOlderThan(cutoff, { prisma, endpointIds: [ep] });
    expect(r1).toEqual({ snapshots: 9, logLines: 5 });
    const b1 = await prisma.healthSnapshotBucket.findMany({ where: { endpointId: ep }, orderBy: { bucketStart: "asc" } });
    expect(b1.map((b) => [b.bucketStart.toISOString(), b.count, b.avgJobsInQueue, b.maxJobsInQueue, b.maxWorkersUnhealthy, b.resolutionSec])).toEqual([
      ["2026-01-01T10:00:00.000Z", 6, 2.5, 5, 2, 60],
      ["2026-01-01T10:01:00.000Z", 3, 7, 8, 2, 60],
    ]);
    expect(await prisma.healthSnapshot.count({ where: { endpointId: ep } })).toBe(3);
    const logs = await prisma.logVolumeBucket.findMany({ where: { endpointId: ep }, orderBy: { bucketStart: "asc" } });
    expect(logs.map((l) => [l.bucketStart.toISOString(), l.workerId, l.source, l.lineCount, Number(l.byteCount)])).toEqual([
      ["2026-01-01T10:00:00.000Z", "w1", "container", 3, 18],
      ["2026-01-01T10:01:00.000Z", "w1", "container", 2, 12],
    ]);

    // same cutoff again: nothing left to move, nothing changes
    expect(await downsampleOlderThan(cutoff, { prisma, endpointIds: [ep] })).toEqual({ snapshots: 0, logLines: 0 });
    // a later cutoff merges the rest of minute 10:01 into its bucket (weighted average)
    expect(await downsampleOlderThan(new Date(t0 + 3_600_000), { prisma, endpointIds: [ep] })).toEqual({ snapshots: 3, logLines: 0 });
    const merged = await prisma.healthSnapshotBucket.findUniqueOrThrow({
      where: { endpointId_resolutionSec_bucketStart: { endpointId: ep, resolutionSec: 60, bucketStart: new Date(t0 + 60_000) } },
    });
    expect([merged.count, merged.avgJobsInQueue, merged.maxJobsInQueue]).toEqual([6, 8.5, 11]);
  });
});

describe("retention task", () => {
  it("deletes expired sessions and rate-limit rows and keeps live ones", async () => {
    const username = `ret-${randomBytes(4).toString("hex")}`;
    const user = await prisma.user.create({ data: { username, passwordHash: "x" } });
    // A tick "now" in 2001, so only this test's sessions are old enough to go.
    const now = new Date("2001-01-01T00:00:00Z");
    const session = (tag: string, expiresAt: string) =>
      prisma.session.create({ data: { userId: user.id, tokenHash: `${username}-${tag}`, csrfToken: "c", expiresAt: new Date(expiresAt) } });
    const expired = await session("expired", "2000-12-31T23:59:59Z");
    const live = await session("live", "2001-01-01T00:00:01Z");
    const limitKey = (tag: string) => `${username}:${tag}`;
    await prisma.rateLimit.create({ data: { key: limitKey("old"), points: 3, at: now, expiresAt: new Date("2000-12-31T23:00:00Z") } });
    await prisma.rateLimit.create({ data: { key: limitKey("live"), points: 3, at: now, expiresAt: new Date("2001-01-01T00:10:00Z") } });
    const ctx = { prisma, now, ctx: createCtx({ db: prisma, now: () => now }), config: { retentionRawDays: 7 }, log: createLogger("retention-test") } as unknown as PollerContext;

    await retentionModule.run(ctx);
    const left = await prisma.session.findMany({ where: { userId: user.id }, select: { id: true } });
    expect(left.map((s) => s.id)).toEqual([live.id]);
    expect(left.map((s) => s.id)).not.toContain(expired.id);
    const limits = await prisma.rateLimit.findMany({ where: { key: { startsWith: `${username}:` } }, select: { key: true } });
    expect(limits.map((l) => l.key)).toEqual([limitKey("live")]);
    // a second run changes nothing
    await retentionModule.run(ctx);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });
});
