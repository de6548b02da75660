import type { PollerModule } from "@/lib/poller/types";
import { processResubmits } from "@/lib/damage/purge";

/** Finishes "resubmit the purged jobs" that a killed process or a timed-out request left unclaimed. */
export function createResubmitModule(opts: { everyMs?: number } = {}): PollerModule {
  return {
    name: "damage-resubmit",
    everyMs: opts.everyMs ?? 5_000,
    scope: "cluster",
    async run(ctx) {
      const open = await ctx.prisma.queuePurge.findMany({ where: { resubmitRequestedAt: { not: null }, jobs: { some: { resubmitIntentAt: null } } }, select: { id: true, endpointId: true } });
      for (const p of open) {
        try {
          await processResubmits(p.id.toString(), { prisma: ctx.prisma, client: ctx.client, now: () => new Date(ctx.clock.now()) });
        } catch (err) {
          await ctx.recordError({ endpointId: p.endpointId, operation: "damage-resubmit", error: err });
        }
      }
    },
  };
}

export const damageModules: PollerModule[] = [createResubmitModule()];
