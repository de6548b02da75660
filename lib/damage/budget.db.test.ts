import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { createCtx } from "@/lib/ctx";
import { controlSweep, createSweep } from "@/lib/sweeps/service";
import { getSweep } from "@/lib/sweeps/repository";
import { getSweepCost, setSweepBudget } from "@/lib/damage/costs";
import { sweepControllerModule } from "@/lib/sweeps/module";
import { runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

const ENGINEER: Principal = { kind: "user", id: null, name: "ml-mia", role: "engineer", via: "session" };
const SWEEP = { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 40, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } };
const HEALTHY = {
  name: "ok",
  image: "acme/tf:2.19-r2",
  gpuTypeIds: ["NVIDIA GeForce RTX 4090"],
  workers: { min: 2, max: 2, idleTimeout: 60 },
  coldStartMs: 1_000,
  jobDurationMs: { min: 10_000, max: 10_000 },
};

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe("sweep budgets", () => {
  it("a sweep pauses when its trials reach the GPU-time budget, refuses to resume until the budget is raised, and says so", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const e = env;
    const now = () => new Date(e.sim.clock.now());
    const ctx = createCtx({ db: e.prisma, now, principal: ENGINEER });
    const p = e.poller({ modules: [sweepControllerModule] });
    await p.tick();
    // 45 GPU-seconds: the first wave of two 10 s trials stays under it, the second wave crosses it
    const sweep = await createSweep({ endpointId: e.ep("ok"), name: "budgeted", config: SWEEP, parallel: 2, seed: 3, budget: { gpuHours: 45 / 3600, usd: null } }, ctx);
    expect(sweep.budget).toEqual({ gpuSeconds: 45, usd: null });

    for (let i = 0; i < 120 && (await getSweep({ id: sweep.id }, createCtx({ db: e.prisma }))).state !== "paused"; i++) await runFor(e, p, 1_000);
    const paused = await getSweep({ id: sweep.id }, createCtx({ db: e.prisma }));
    expect(paused.state).toBe("paused");
    expect(paused.stateReason).toMatch(/^paused at budget: GPU-time budget of 0\.013 GPU-h reached/);
    const submittedAtPause = await e.prisma.trial.count({ where: { sweepId: sweep.id, jobId: { not: null } } });

    const cost = await getSweepCost({ sweepId: sweep.id }, ctx);
    expect(cost.trials.total.gpuSeconds).toBeGreaterThanOrEqual(45);
    expect(cost.trials.useful.gpuSeconds).toBeGreaterThan(0);
    expect(cost.trials.useful.estimatedUsd).toBeCloseTo(cost.trials.useful.gpuSeconds * 0.00031, 6);
    expect(cost.budget.reached).toMatch(/GPU-time budget/);

    // paused means no new trials, however long it waits
    await runFor(e, p, 30_000);
    expect(await e.prisma.trial.count({ where: { sweepId: sweep.id, jobId: { not: null } } })).toBe(submittedAtPause);
    await expect(controlSweep({ id: sweep.id, action: "resume" }, ctx)).rejects.toThrow(/Cannot resume: the GPU-time budget .* Raise or clear the budget first/);

    await setSweepBudget({ sweepId: sweep.id, gpuHours: 1, usd: null }, ctx);
    expect((await controlSweep({ id: sweep.id, action: "resume" }, ctx)).state).toBe("running");
    await runFor(e, p, 15_000);
    expect(await e.prisma.trial.count({ where: { sweepId: sweep.id, jobId: { not: null } } })).toBeGreaterThan(submittedAtPause);
    const audit = await e.prisma.auditLog.findMany({ where: { targetType: "sweep", targetId: sweep.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ["sweep.create", "ml-mia"],
      ["sweep.pause", "sweep controller"],
      ["sweep.budget", "ml-mia"],
      ["sweep.resume", "ml-mia"],
    ]);
    await p.stop();
  });
});
