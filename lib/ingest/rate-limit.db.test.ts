import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db";
import { deleteExpiredRateLimits } from "@/lib/data/rate-limits";
import { createCtx } from "@/lib/ctx";
import { IngestRateLimiter } from "./rate-limit";

// Two clients stand for two web processes drawing from the same buckets.
const a = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
const b = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
afterAll(() => Promise.all([a.$disconnect(), b.$disconnect()]));

const key = (n: string) => `${n}-${randomBytes(4).toString("hex")}`;
const T0 = Date.parse("2030-01-01T00:00:00Z");

describe("IngestRateLimiter", () => {
  it("lets a burst through, then refills at the sustained rate, per key", async () => {
    let t = T0;
    const l = new IngestRateLimiter({ linesPerSecond: 100, burst: 500 }, () => t, { prisma: a });
    const [ka, kb] = [key("a"), key("b")];
    expect(await l.take(ka, 400)).toBe(0);
    expect(await l.take(ka, 200)).toBe(1); // 100 left, 100 missing → 1 s
    expect(await l.take(kb, 500)).toBe(0); // other key, own bucket
    t = T0 + 1000;
    expect(await l.take(ka, 200)).toBe(0);
    expect(await l.take(ka, 1)).toBe(1);
    t = T0 + 60_000;
    // A batch bigger than the burst passes on a full bucket (else it never could).
    expect(await l.take(ka, 900)).toBe(0);
    expect(await l.take(ka, 1)).toBeGreaterThan(0);
  });

  it("is off at 0 lines/s", async () => {
    const off = new IngestRateLimiter({ linesPerSecond: 0, burst: 1 }, () => T0, { prisma: a });
    expect(await off.take(key("off"), 1e9)).toBe(0);
  });

  it("is shared by every web process, and concurrent takes never overdraw the bucket", async () => {
    const t = T0;
    const first = new IngestRateLimiter({ linesPerSecond: 1, burst: 10 }, () => t, { prisma: a });
    const second = new IngestRateLimiter({ linesPerSecond: 1, burst: 10 }, () => t, { prisma: b });
    const k = key("shared");
    expect(await first.take(k, 4)).toBe(0); // 6 left
    const waits = await Promise.all([second.take(k, 3), first.take(k, 3), second.take(k, 3)]);
    expect(waits.filter((w) => w === 0)).toHaveLength(2); // 6 tokens: two batches of 3, not three
  });

  it("rows of full buckets are deleted by the retention task's sweep", async () => {
    const k = key("gone");
    const l = new IngestRateLimiter({ linesPerSecond: 10, burst: 100 }, () => T0, { prisma: a });
    await l.take(k, 50); // full again after 5 s
    await deleteExpiredRateLimits({}, createCtx({ db: a, now: () => new Date(T0 + 4_000) }));
    expect(await a.rateLimit.count({ where: { key: `ingest:${k}` } })).toBe(1);
    await deleteExpiredRateLimits({}, createCtx({ db: a, now: () => new Date(T0 + 5_001) }));
    expect(await a.rateLimit.count({ where: { key: `ingest:${k}` } })).toBe(0);
  });
});
