import type { PrismaClient } from "@/lib/generated/prisma/client";

/** PollerInstance rows: one per poller process; lastTickAt feeds the UI's "data age". */
export async function registerPollerInstance(
  prisma: PrismaClient,
  input: { id: string; hostname: string; pid: number; version?: string | null; startedAt: Date },
): Promise<void> {
  await prisma.pollerInstance.upsert({
    where: { id: input.id },
    create: { id: input.id, hostname: input.hostname, pid: input.pid, version: input.version ?? null, startedAt: input.startedAt },
    update: { hostname: input.hostname, pid: input.pid, version: input.version ?? null, startedAt: input.startedAt, stoppedAt: null },
  });
}

export async function recordPollerTick(prisma: PrismaClient, input: { id: string; at: Date }): Promise<void> {
  await prisma.pollerInstance.update({ where: { id: input.id }, data: { lastTickAt: input.at, stoppedAt: null } });
}

export async function markPollerStopped(prisma: PrismaClient, input: { id: string; at: Date }): Promise<void> {
  await prisma.pollerInstance.updateMany({ where: { id: input.id }, data: { stoppedAt: input.at } });
}

/** Pollers that ticked within the last `windowMs` and did not stop (the caller is counted even before its first tick). */
export async function countLivePollers(prisma: PrismaClient, input: { self: string; now: Date; windowMs: number }): Promise<number> {
  const since = new Date(input.now.getTime() - input.windowMs);
  const rows = await prisma.pollerInstance.findMany({
    where: { stoppedAt: null, lastTickAt: { gte: since, lte: new Date(input.now.getTime() + input.windowMs) } },
    select: { id: true },
  });
  const ids = new Set(rows.map((r) => r.id));
  ids.add(input.self);
  return ids.size;
}
