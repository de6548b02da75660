import type { PollerModule } from "@/lib/poller/types";
import { processResubmits } from "@/lib/damage/purge";
import { applyDamagePolicy } from "@/lib/damage/policy";
import { snapshotEndpointSettings } from "@/lib/damage/what-changed";

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
          await processResubmits({ purgeId: p.id.toString() }, ctx.ctx);
        } catch (err) {
          await ctx.recordError({ endpointId: p.endpointId, operation: "damage-resubmit", error: err });
        }
      }
    },
  };
}


/** Runs the per-endpoint damage policy after detection on the endpoints this poller leases. */
export function createDamagePolicyModule(opts: { everyMs?: number } = {}): PollerModule {
  return {
    name: "damage-policy",
    everyMs: opts.everyMs ?? 2_000,
    async run(ctx) {
      if (!ctx.endpoints.length) return;
      try {
        await applyDamagePolicy({ endpointIds: ctx.endpoints }, ctx.ctx);
      } catch (err) {
        await ctx.recordError({ operation: "damage-policy", error: err });
      }
    },
  };
}

/** Snapshots endpoint settings whenever the recorded management-API description changes. */
export function createSettingsSnapshotModule(opts: { everyMs?: number } = {}): PollerModule {
  return {
    name: "damage-settings-snapshots",
    everyMs: opts.everyMs ?? 5_000,
    async run(ctx) {
      for (const endpointId of ctx.endpoints) {
        try {
          await snapshotEndpointSettings({ endpointId }, ctx.ctx);
        } catch (err) {
          await ctx.recordError({ endpointId, operation: "damage-settings-snapshot", error: err });
        }
      }
    },
  };
}

export const damageModules: PollerModule[] = [createSettingsSnapshotModule(), createResubmitModule(), createDamagePolicyModule()];
