import { submitJob } from "@/lib/jobs/service";
import type { PollerModule } from "@/lib/poller/types";
import { WAITING_JOB_STATUSES } from "@/lib/domain/job/status";

/**
 * Demo mode only: a steady trickle of jobs to every endpoint this poller leases, one per endpoint
 * every config.demo.intervalMs, so every queue has content from the first minute. Stops adding to
 * an endpoint while config.demo.maxQueued of its demo jobs are still queued (the crash-looping
 * endpoint's queue would otherwise grow without bound). Inputs x1..x6 in [0, 1] suit every objective
 * the simulator offers (branin reads x1, x2; hartmann6 reads x1..x6).
 */
export function demoInput(seq: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 1; i <= 6; i++) {
    // deterministic low-discrepancy values (golden-ratio sequence)
    out[`x${i}`] = Math.round((((seq + 1) * 0.6180339887498949 * i + i * 0.1) % 1) * 1e4) / 1e4;
  }
  return out;
}

export const demoTrafficModule: PollerModule = {
  name: "demo-traffic",
  everyMs: 1_000,
  async run(ctx) {
    if (ctx.config.mode !== "demo" || !ctx.endpoints.length) return;
    const { intervalMs, maxQueued } = ctx.config.demo;
    const last = await ctx.prisma.job.groupBy({
      by: ["endpointId"],
      where: { endpointId: { in: ctx.endpoints }, source: "demo" },
      _max: { submittedAt: true },
      _count: { _all: true },
    });
    const queued = await ctx.prisma.job.groupBy({
      by: ["endpointId"],
      where: { endpointId: { in: ctx.endpoints }, source: "demo", status: { in: [...WAITING_JOB_STATUSES] } },
      _count: { _all: true },
    });
    const lastBy = new Map(last.map((r) => [r.endpointId, r]));
    const queuedBy = new Map(queued.map((r) => [r.endpointId, r._count._all]));
    const now = ctx.now.getTime();
    await Promise.all(
      ctx.endpoints.map(async (endpointId) => {
        const l = lastBy.get(endpointId);
        const lastAt = l?._max.submittedAt?.getTime();
        if (lastAt !== undefined && now - lastAt < intervalMs) return;
        if ((queuedBy.get(endpointId) ?? 0) >= maxQueued) return;
        try {
          await submitJob(
            { endpointId, input: { ...demoInput(l?._count._all ?? 0), demo: true }, source: "demo", pollerId: ctx.instanceId },
            ctx.ctx,
          );
        } catch (err) {
          // submitJob already recorded RunPod failures as PollErrors
          ctx.log.warn("demo job not submitted", { endpointId, error: err });
        }
      }),
    );
  },
};
