import { createSweep } from "@/lib/sweeps/service";
import { ctxWith } from "@/lib/ctx";
import type { PollerModule } from "@/lib/poller/types";

const SEEDED_KEY = "demo.sweeps.seeded";

/** The two sweeps a demo starts with: one that fills its charts, one blocked by the crash loop. */
export const DEMO_SWEEPS = [
  {
    endpointId: "demo-healthy",
    name: "branin: Bayesian search (demo)",
    config: [
      "# A W&B sweep config, unchanged: sweepwatch reads method, metric, parameters and run_cap.",
      "method: bayes",
      "metric:",
      "  name: loss",
      "  goal: minimize",
      "run_cap: 60",
      "parameters:",
      "  x1: {distribution: uniform, min: -5.0, max: 10.0}",
      "  x2: {distribution: uniform, min: 0.0, max: 15.0}",
      "sweepwatch:",
      "  parallel: 3",
      "  failed_budget: 5",
      "",
    ].join("\n"),
  },
  {
    endpointId: "demo-randomdevice",
    name: "tf-sweep: random search (blocked by the crash loop)",
    config: [
      "method: random",
      "metric:",
      "  name: loss",
      "  goal: minimize",
      "run_cap: 20",
      "parameters:",
      "  x1: {distribution: uniform, min: -5.0, max: 10.0}",
      "  x2: {distribution: uniform, min: 0.0, max: 15.0}",
      "sweepwatch:",
      "  parallel: 2",
      "",
    ].join("\n"),
  },
];

/**
 * Demo mode only: once the demo endpoints have been discovered, create the demo sweeps one time
 * (remembered in AppSetting, so a sweep a user deletes or cancels is not brought back).
 */
export const demoSweepsModule: PollerModule = {
  name: "demo-sweeps",
  everyMs: 5_000,
  scope: "cluster",
  async run(ctx) {
    if (ctx.config.mode !== "demo") return;
    const done = await ctx.prisma.appSetting.findUnique({ where: { key: SEEDED_KEY } });
    if (done) return;
    const ids = DEMO_SWEEPS.map((s) => s.endpointId);
    const present = await ctx.prisma.endpoint.count({ where: { id: { in: ids } } });
    if (present < ids.length) return;
    // Claim the seeding first so two pollers never create the sweeps twice.
    const claimed = await ctx.prisma.appSetting.createMany({ data: [{ key: SEEDED_KEY, value: { at: ctx.now.toISOString() } }], skipDuplicates: true });
    if (claimed.count === 0) return;
    for (const s of DEMO_SWEEPS) {
      await createSweep({ endpointId: s.endpointId, name: s.name, config: s.config }, ctxWith(ctx.ctx, { at: ctx.now }));
    }
    ctx.log.info("demo sweeps created", { sweeps: DEMO_SWEEPS.map((s) => s.name) });
  },
};
