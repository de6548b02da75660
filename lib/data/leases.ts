import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Leases in PostgreSQL: one row per unit of work ("endpoint:<id>", "module:<name>").
 * A holder renews its rows every tick; a row whose expiresAt has passed may be taken
 * by anyone with one atomic INSERT ... ON CONFLICT DO UPDATE ... WHERE (row-locked by
 * PostgreSQL, so two takers can never both win). Times come from the caller's clock,
 * so tests can move time with a virtual clock.
 */

export const endpointLease = (endpointId: string) => `endpoint:${endpointId}`;
export const moduleLease = (name: string) => `module:${name}`;

/** Takes (or renews) the given resources where free, expired, or already ours. Returns the ones now held. */
export async function takeLeases(
  prisma: PrismaClient,
  input: { holder: string; resources: string[]; now: Date; leaseMs: number },
): Promise<string[]> {
  if (!input.resources.length) return [];
  const expires = new Date(input.now.getTime() + input.leaseMs);
  const rows = await prisma.$queryRaw<{ resource: string }[]>`
    INSERT INTO leases (resource, holder, "acquiredAt", "expiresAt")
    SELECT r, ${input.holder}, ${input.now}, ${expires} FROM unnest(${input.resources}::text[]) AS r
    ON CONFLICT (resource) DO UPDATE
      SET holder = EXCLUDED.holder,
          "acquiredAt" = CASE WHEN leases.holder = EXCLUDED.holder THEN leases."acquiredAt" ELSE EXCLUDED."acquiredAt" END,
          "expiresAt" = EXCLUDED."expiresAt"
      WHERE leases.holder = EXCLUDED.holder OR leases."expiresAt" <= ${input.now}
    RETURNING resource`;
  return rows.map((r) => r.resource);
}

/**
 * One tick's lease round for a poller: renew what it holds, take free or expired
 * resources up to `max` (its fair share), and give back what exceeds `max` so a
 * newly started poller gets work. Candidates are taken in the order given.
 */
export async function acquireLeases(
  prisma: PrismaClient,
  input: { holder: string; candidates: string[]; max: number; now: Date; leaseMs: number },
): Promise<string[]> {
  const { holder, candidates, now, leaseMs } = input;
  if (!candidates.length) return [];
  const current = await prisma.lease.findMany({
    where: { resource: { in: candidates } },
    select: { resource: true, holder: true, expiresAt: true },
  });
  const byResource = new Map(current.map((l) => [l.resource, l]));
  const mine = candidates.filter((c) => byResource.get(c)?.holder === holder);
  const free = candidates.filter((c) => {
    const l = byResource.get(c);
    return !l || (l.holder !== holder && l.expiresAt.getTime() <= now.getTime());
  });
  const keep = mine.slice(0, Math.max(0, input.max));
  const surplus = mine.slice(keep.length);
  const want = [...keep, ...free.slice(0, Math.max(0, input.max - keep.length))];
  const held = await takeLeases(prisma, { holder, resources: want, now, leaseMs });
  if (surplus.length) await releaseLeases(prisma, { holder, resources: surplus });
  const heldSet = new Set(held);
  return candidates.filter((c) => heldSet.has(c));
}

/** Takes a lease only if nobody holds it now (used to run cluster-wide work at most once per period). */
export async function tryTakeExclusive(
  prisma: PrismaClient,
  input: { holder: string; resource: string; now: Date; ttlMs: number },
): Promise<boolean> {
  const expires = new Date(input.now.getTime() + input.ttlMs);
  const rows = await prisma.$queryRaw<{ resource: string }[]>`
    INSERT INTO leases (resource, holder, "acquiredAt", "expiresAt")
    VALUES (${input.resource}, ${input.holder}, ${input.now}, ${expires})
    ON CONFLICT (resource) DO UPDATE
      SET holder = EXCLUDED.holder, "acquiredAt" = EXCLUDED."acquiredAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE leases."expiresAt" <= ${input.now}
    RETURNING resource`;
  return rows.length > 0;
}

/** Gives leases back (all of the holder's when resources is omitted), e.g. on a clean stop. */
export async function releaseLeases(prisma: PrismaClient, input: { holder: string; resources?: string[] }): Promise<number> {
  const r = await prisma.lease.deleteMany({
    where: { holder: input.holder, ...(input.resources ? { resource: { in: input.resources } } : {}) },
  });
  return r.count;
}
