import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { parseDetectionConfig } from "@/lib/incidents/detection/config";
import { detectEndpoint } from "@/lib/incidents/detection/module";
import { storeUploadedLog } from "@/lib/ingest/repository";
import { createCtx } from "@/lib/ctx";
import { parseUploadedLog } from "@/lib/ingest/upload-times";

/** Issue 13: an uploaded log keeps its own times; one without times is evidence, never a live verdict. */
let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const NOW = new Date(Date.parse("2026-05-01T10:00:00Z") + Math.floor(Math.random() * 1e6) * 1000);
const ABORTS = ["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read", "Aborted (core dumped)"];
const cfg = parseDetectionConfig({ alertQueueAgeMs: 0, alertQueueGrowth: 0, alertRateDropPct: 0 });

async function healthyEndpointWithQueuedJob() {
  const ep = `upl-${randomBytes(4).toString("hex")}`;
  await prisma.endpoint.create({ data: { id: ep, name: ep } });
  await prisma.worker.create({ data: { endpointId: ep, id: `${ep}-w1`, status: "IDLE", image: "acme/tf:2.19", firstSeenAt: NOW, lastSeenAt: NOW } });
  await prisma.healthSnapshot.create({ data: { endpointId: ep, takenAt: new Date(NOW.getTime() - 10_000), workersIdle: 1, jobsInQueue: 1 } });
  await prisma.job.create({ data: { id: `${ep}-q`, endpointId: ep, status: "IN_QUEUE", submittedAt: new Date(NOW.getTime() - 5 * 60_000) } });
  return ep;
}

async function upload(ep: string, text: string, givenAt?: Date) {
  const { lines } = parseUploadedLog(text, { uploadedAt: NOW, givenAt, maxLineChars: 16_384, marker: "…" });
  await storeUploadedLog({ endpointId: ep, workerId: `${ep}-w1`, lines, fileHash: randomBytes(8).toString("hex") }, createCtx({ db: prisma, now: () => NOW }));
}

describe("uploaded logs and live verdicts", () => {
  it("an old log without times with two aborts is evidence only: no flag, no incident, no count", async () => {
    const ep = await healthyEndpointWithQueuedJob();
    await upload(ep, [...ABORTS, "restarting", ...ABORTS].join("\n"));
    await detectEndpoint(prisma, ep, NOW, cfg);
    const crashes = await prisma.crashEvent.findMany({ where: { endpointId: ep } });
    expect(crashes.length).toBe(2);
    expect(crashes.every((c) => !c.live)).toBe(true);
    expect(await prisma.incident.count({ where: { endpointId: ep } })).toBe(0);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: `${ep}-q` } })).flag).toBeNull();
    expect((await prisma.crashGroup.findFirstOrThrow({ where: { endpointId: ep } })).count).toBe(0);
  });

  it("an old log with its own times lands in the past and flags nothing now", async () => {
    const ep = await healthyEndpointWithQueuedJob();
    const old = (min: number) => new Date(NOW.getTime() - 3 * 86_400_000 + min * 60_000).toISOString();
    await upload(ep, [...ABORTS.map((l) => `${old(0)} ${l}`), ...ABORTS.map((l) => `${old(1)} ${l}`)].join("\n"));
    await detectEndpoint(prisma, ep, NOW, cfg);
    const crashes = await prisma.crashEvent.findMany({ where: { endpointId: ep }, orderBy: { at: "asc" } });
    expect(crashes.map((c) => [c.live, c.at.toISOString()])).toEqual([
      [true, old(0)],
      [true, old(1)],
    ]);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: `${ep}-q` } })).flag).toBeNull();
    expect(await prisma.incident.count({ where: { endpointId: ep } })).toBe(0);
  });
});
