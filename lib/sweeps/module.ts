import type { PollerModule } from "@/lib/poller/types";
import { ctxWith } from "@/lib/ctx";
import { runSweepController } from "./controller";

/**
 * The sweep controller as a poller module. Scope "endpoints": each poller drives the sweeps
 * on the endpoints it leases; the per-sweep row lock keeps two pollers (e.g. during a lease
 * hand-over) from planning the same sweep at once.
 */
export const sweepControllerModule: PollerModule = {
  name: "sweep-controller",
  everyMs: 1_000,
  scope: "endpoints",
  async run(ctx) {
    if (!ctx.endpoints.length) return;
    // The poller's client is the full RunPod client at runtime; cancel is used when present. The pass runs at the tick's time.
    const summary = await runSweepController({ log: ctx.log, endpoints: ctx.endpoints, pollerId: ctx.instanceId }, ctxWith(ctx.ctx, { at: ctx.now }));
    if (summary.submitted || summary.ambiguous || summary.reconciled || summary.finished) ctx.log.info("sweep controller pass", { ...summary });
  },
};
