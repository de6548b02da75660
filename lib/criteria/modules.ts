import { evaluateAllCriteria } from "@/lib/criteria/evaluation";
import { ctxWith } from "@/lib/ctx";
import { seedDefaultCriteria } from "@/lib/criteria/repository";
import { optInDemoEndpoints, scheduleSmokeRuns, syncSmokeRuns } from "@/lib/criteria/smoke";
import { loadEnv } from "@/lib/env";
import { submitJob } from "@/lib/jobs/service";
import type { PollerContext, PollerModule } from "@/lib/poller/types";

/**
 * Poller modules of the criteria feature (registered in lib/poller/modules.ts):
 * - criteria-evaluator (cluster: one poller at a time): seeds the status report's criteria on its
 *   first run, then evaluates every criterion and records the result. Pages only read the stored
 *   evaluations, so a slow evaluation never delays a page.
 * - smoke-jobs (per endpoint lease): copies finished smoke jobs onto their SmokeRun, then submits
 *   the smoke input of opted-in endpoints where a new deployment appeared or the schedule is due. In
 *   demo mode the simulator's endpoints nobody configured opt in first; in live mode nothing is sent
 *   to an endpoint a user has not opted in.
 */

export const CRITERIA_EVALUATE_EVERY_MS = 60_000;
export const SMOKE_EVERY_MS = 15_000;

export function createCriteriaEvaluatorModule(opts: { everyMs?: number } = {}): PollerModule {
  let seeded = false;
  return {
    name: "criteria-evaluator",
    everyMs: opts.everyMs ?? CRITERIA_EVALUATE_EVERY_MS,
    scope: "cluster",
    async run(ctx: PollerContext) {
      if (!seeded) {
        const n = await seedDefaultCriteria({}, ctx.ctx);
        if (n) ctx.log.info("seeded the default success criteria", { count: n });
        seeded = true;
      }
      // judged at the tick's time, like every other module of the tick
      await evaluateAllCriteria({}, ctxWith(ctx.ctx, { at: ctx.now }));
    },
  };
}

export function createSmokeJobsModule(opts: { everyMs?: number; /** Default: SWEEPWATCH_MODE is demo. */ demo?: boolean } = {}): PollerModule {
  return {
    name: "smoke-jobs",
    everyMs: opts.everyMs ?? SMOKE_EVERY_MS,
    scope: "endpoints",
    async run(ctx: PollerContext) {
      if (!ctx.endpoints.length) return;
      if (opts.demo ?? loadEnv().mode === "demo") await optInDemoEndpoints(ctx.prisma, ctx.endpoints);
      await syncSmokeRuns(ctx.prisma, { endpointIds: ctx.endpoints, now: ctx.now });
      const r = await scheduleSmokeRuns(ctx.prisma, {
        endpointIds: ctx.endpoints,
        now: ctx.now,
        submit: async (endpointId, input) => {
          const job = await submitJob(
            { endpointId, input, source: "smoke", pollerId: ctx.instanceId },
            ctx.ctx,
          );
          return { id: job.id, status: job.status };
        },
      });
      for (const s of r.submitted) ctx.log.info("smoke job submitted", s);
    },
  };
}

export const criteriaEvaluatorModule = createCriteriaEvaluatorModule();
export const smokeJobsModule = createSmokeJobsModule();
