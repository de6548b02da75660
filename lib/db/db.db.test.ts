import { afterAll, describe, expect, inject, it } from "vitest";
import { checkDatabase, createPrismaClient, disconnectPrisma, getPrisma } from "@/lib/db";

const databaseUrl = inject("databaseUrl");

afterAll(async () => {
  await disconnectPrisma();
});

describe("lib/db", () => {
  it("getPrisma() uses DATABASE_URL and round-trips domain rows", async () => {
    expect(process.env.DATABASE_URL).toBe(databaseUrl);
    const prisma = getPrisma();
    expect(getPrisma()).toBe(prisma);
    const id = `ep-${Date.now().toString(36)}`;
    await prisma.endpoint.create({ data: { id, name: "test endpoint" } });
    await prisma.job.create({
      data: {
        id: `${id}-job-1`,
        endpointId: id,
        status: "SOMETHING_RUNPOD_INVENTED",
        input: { x: 1 },
        transitions: { create: { toStatus: "IN_QUEUE", source: "submit", at: new Date() } },
      },
    });
    const snap = await prisma.healthSnapshot.create({ data: { endpointId: id, takenAt: new Date(), jobsInQueue: 7 } });
    expect(typeof snap.id).toBe("bigint");
    const job = await prisma.job.findUniqueOrThrow({ where: { id: `${id}-job-1` }, include: { transitions: true } });
    expect(job.status).toBe("SOMETHING_RUNPOD_INVENTED");
    expect(job.transitions).toHaveLength(1);
    await prisma.endpoint.delete({ where: { id } });
    expect(await prisma.job.count({ where: { endpointId: id } })).toBe(0);
  });

  it("checkDatabase() answers up for the test database", async () => {
    const res = await checkDatabase({ databaseUrl });
    expect(res.up).toBe(true);
  });

  it("checkDatabase() answers down quickly, without the password, when nothing listens", async () => {
    const started = Date.now();
    const res = await checkDatabase({ databaseUrl: "postgresql://someone:s3cretpw@127.0.0.1:9/nope", timeoutMs: 1000 });
    expect(res.up).toBe(false);
    expect(res.error).toMatch(/ECONNREFUSED|connect/);
    expect(res.error).not.toContain("s3cretpw");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("createPrismaClient() gives an independent client", async () => {
    const other = createPrismaClient(databaseUrl, { max: 1 });
    try {
      const rows = await other.$queryRaw<{ n: number }[]>`SELECT 1::int AS n`;
      expect(rows[0].n).toBe(1);
    } finally {
      await other.$disconnect();
    }
  });
});
