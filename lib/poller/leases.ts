import { listPollableEndpoints } from "@/lib/endpoints/repository";
import { countLivePollers } from "@/lib/data/poller-instances";
import { getLatestSnapshotTimes } from "@/lib/endpoints/health";
import { acquireLeases, endpointLease, releaseLeases, takeLeases } from "@/lib/data/leases";
import { fairShare } from "@/lib/poller/schedule";
import type { PollerRuntime } from "@/lib/poller/runtime";

const endpointOf = (resource: string) => resource.slice("endpoint:".length);

/** This tick's endpoints (renewed, taken, surplus given back: acquireLeases); their states follow. */
export async function takeEndpointLeases(rt: PollerRuntime, now: Date): Promise<string[]> {
  const { prisma, config, instanceId, featureCtx, states } = rt;
  let ids = await listPollableEndpoints({}, featureCtx);
  if (config.endpointFilter) ids = ids.filter(config.endpointFilter);
  const live = await countLivePollers(prisma, { self: instanceId, now, windowMs: config.leaseMs });
  const share = fairShare(ids.length, live);
  const leased = await acquireLeases(prisma, { holder: instanceId, candidates: ids.map(endpointLease), max: share, now, leaseMs: config.leaseMs });
  const mine = leased.map(endpointOf);
  // A newly taken endpoint starts from what the database knows (a restart or takeover polls nothing twice).
  const fresh = mine.filter((id) => !states.has(id));
  if (fresh.length) {
    const [last, missing] = await Promise.all([
      getLatestSnapshotTimes({ endpointIds: fresh }, featureCtx),
      prisma.endpoint.findMany({ where: { id: { in: fresh }, missingSince: { not: null } }, select: { id: true } }),
    ]);
    const missingIds = new Set(missing.map((m) => m.id));
    for (const id of fresh) {
      states.set(id, {
        healthAt: last.get(id)?.getTime() ?? null,
        healthCheckedAt: null,
        lastHealth: null,
        queuedRoundHealth: null,
        workersAt: null,
        jobsAt: null,
        health: { streak: 0, until: 0 },
        jobs: { streak: 0, until: 0 },
        mgmt: { streak: 0, until: 0 },
        missing: missingIds.has(id),
      });
    }
  }
  const keep = new Set(mine);
  for (const id of [...states.keys()]) if (!keep.has(id)) states.delete(id);
  return mine;
}

/** Renews the leases still held; returns the endpoints whose lease this poller kept. */
export async function renewEndpointLeases(rt: PollerRuntime, held: string[]): Promise<string[]> {
  return (await takeLeases(rt.prisma, { holder: rt.instanceId, resources: held.map(endpointLease), now: rt.nowDate(), leaseMs: rt.config.leaseMs })).map(endpointOf);
}

export async function releaseEndpointLeases(rt: PollerRuntime, held: string[]): Promise<void> {
  await releaseLeases(rt.prisma, { holder: rt.instanceId, resources: held.map(endpointLease) });
}
