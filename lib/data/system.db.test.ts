import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { HealthDtoSchema } from "@/lib/api/specs/system";
import { createPrismaClient, disconnectPrisma, getPrisma, type PrismaClient } from "@/lib/db";
import { applyMigrations } from "@/lib/db/migrate";
import { poolConfigFromUrl, withDatabase } from "@/lib/db/pg-config";
import { getPollerLastTick, getSystemHealth } from "./system";

const databaseUrl = inject("databaseUrl");
const serverUrl = inject("databaseServerUrl");

const scratch: string[] = [];
const clients: PrismaClient[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(poolConfigFromUrl(serverUrl));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A database of its own, so "no poller ever ran" does not depend on other tests' rows. */
async function scratchDatabase(opts: { migrate: boolean }): Promise<{ url: string; prisma: PrismaClient }> {
  const name = `sweepwatch_test_sys_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  scratch.push(name);
  const url = withDatabase(serverUrl, name);
  if (opts.migrate) await applyMigrations(url);
  const prisma = createPrismaClient(url, { max: 1 });
  clients.push(prisma);
  return { url, prisma };
}

afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  await disconnectPrisma();
  for (const name of scratch) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

describe("getSystemHealth", () => {
  it("reports the newest tick of any poller and its age", async () => {
    const prisma = getPrisma();
    const tag = randomBytes(4).toString("hex");
    // Far in the future, so they are the newest rows whatever other tests left behind.
    const older = new Date("2100-01-01T00:00:00.000Z");
    const newer = new Date("2100-01-01T00:00:42.500Z");
    await prisma.pollerInstance.createMany({
      data: [
        { id: `test-a-${tag}`, hostname: "a", pid: 1, startedAt: older, lastTickAt: older },
        { id: `test-b-${tag}`, hostname: "b", pid: 2, startedAt: older, lastTickAt: newer },
        { id: `test-c-${tag}`, hostname: "c", pid: 3, startedAt: older, lastTickAt: null },
      ],
    });
    try {
      const now = new Date("2100-01-01T00:01:00.000Z");
      const health = await getSystemHealth({ now: () => now, databaseUrl, prisma });
      expect(HealthDtoSchema.parse(health)).toEqual(health);
      expect(health).toMatchObject({
        status: "ok",
        database: "up",
        poller: { lastTickAt: "2100-01-01T00:00:42.500Z", ageSeconds: 17.5 },
        time: now.toISOString(),
      });
      expect(["demo", "live"]).toContain(health.mode);
    } finally {
      await prisma.pollerInstance.deleteMany({ where: { id: { endsWith: tag } } });
    }
  });

  it("says the poller never ran when no tick was recorded", async () => {
    const { url, prisma } = await scratchDatabase({ migrate: true });
    await prisma.pollerInstance.create({ data: { id: "started-never-ticked", hostname: "h", pid: 1, startedAt: new Date() } });
    const health = await getSystemHealth({ databaseUrl: url, prisma });
    expect(health).toMatchObject({ status: "ok", database: "up", poller: { lastTickAt: null, ageSeconds: null } });
  });

  it("tolerates a database whose migrations have not been applied yet", async () => {
    const { url, prisma } = await scratchDatabase({ migrate: false });
    expect(await getPollerLastTick(prisma)).toBeNull();
    const health = await getSystemHealth({ databaseUrl: url, prisma });
    expect(health).toMatchObject({ database: "up", poller: { lastTickAt: null } });
  });

  it("reports the database as down, without throwing, when nothing listens", async () => {
    const health = await getSystemHealth({ databaseUrl: "postgresql://nobody:pw@127.0.0.1:9/none" });
    expect(health).toMatchObject({ status: "degraded", database: "down", poller: { lastTickAt: null, ageSeconds: null } });
    expect(HealthDtoSchema.safeParse(health).success).toBe(true);
  });
});
