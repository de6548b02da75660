import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import type { Principal } from "@/lib/auth/principal";
import { applyWebhookUpdate } from "@/lib/jobs/service";
import { recordJobStatus } from "@/lib/jobs/repository";
import { controlSweep, createSweep } from "@/lib/sweeps/service";
import { getSweep, getSweepAnalysis, listSweeps, UNKNOWN_SUBMISSION } from "@/lib/sweeps/repository";
import { setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import type { Poller } from "@/lib/poller/runner";
import { RunpodError } from "@/lib/runpod/errors";
import { branin } from "@/lib/simulator";
import type { SimJob } from "@/lib/simulator";
import { runSweepController, type ControllerClient, type SweepControllerInput } from "./controller";

const ACTOR: Principal = { kind: "user", id: null, name: "test-engineer", role: "engineer" };

const HEALTHY = {
  name: "healthy",
  workers: { min: 1, max: 3, idleTimeout: 60 },
  coldStartMs: 1_000,
  jobDurationMs: { min: 2_000, max: 4_000 },
  objective: { function: "branin" as const, noise: 0.01 },
  behaviour: { type: "healthy" as const, failureRate: 0 },
};
const CRASHING = {
  name: "crash",
  workers: { min: 1, max: 2, idleTimeout: 60 },
  coldStartMs: 1_000,
  restartMs: 1_000,
  objective: { function: "branin" as const, noise: 0.01 },
  behaviour: { type: "crash_loop" as const, crash: "random_device" as const, crashAfterMs: 1_000, backoff: { initialMs: 2_000, factor: 1, maxMs: 2_000 } },
};

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

type Ctl = SweepControllerInput & { client?: ControllerClient };

const asActor = (e: PollerTestEnv) => createCtx({ db: e.prisma, principal: ACTOR });

/** One simulated second: simulator time moves, the poller polls, then each controller makes a pass (concurrently). */
async function step(e: PollerTestEnv, poller: Poller, endpoint: string, controllers: Ctl[] = [{}], ms = 1_000) {
  await e.advance(ms);
  await poller.tick();
  const now = new Date(e.sim.clock.now());
  return Promise.all(controllers.map(({ client, ...c }) => runSweepController({ endpoints: [endpoint], ...c }, createCtx({ db: e.prisma, runpod: client ?? e.client, now: () => now }))));
}

function simJobs(e: PollerTestEnv, endpoint: string): SimJob[] {
  return [...e.sim.state.jobs.values()].filter((j) => j.endpointId === endpoint);
}

const markerOf = (j: SimJob) => ((j.input as { _sweepwatch?: { trialId?: string } })._sweepwatch?.trialId ?? null);
const paramsKey = (p: unknown) => JSON.stringify(Object.entries(p as Record<string, unknown>).filter(([k]) => k !== "_sweepwatch").sort());

async function runUntil(e: PollerTestEnv, poller: Poller, endpoint: string, sweepId: string, opts: { max?: number; controllers?: Ctl[]; onStep?: () => void } = {}) {
  for (let i = 0; i < (opts.max ?? 300); i++) {
    await step(e, poller, endpoint, opts.controllers);
    opts.onStep?.();
    const s = await e.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { state: true } });
    if (["completed", "stopped", "cancelled", "failed"].includes(s.state)) return s.state;
  }
  throw new Error("sweep did not finish in time");
}

/** Every job the simulator received belongs to exactly one trial, and that trial points back at it. */
async function expectExactlyOnce(e: PollerTestEnv, endpoint: string, sweepId: string) {
  const jobs = simJobs(e, endpoint);
  const trials = await e.prisma.trial.findMany({ where: { sweepId }, select: { id: true, jobId: true, params: true, status: true } });
  const byId = new Map(trials.map((t) => [t.id, t]));
  const markers = jobs.map(markerOf);
  expect(markers.every((m) => m !== null)).toBe(true);
  expect(new Set(markers).size).toBe(jobs.length);
  for (const j of jobs) expect(byId.get(markerOf(j)!)?.jobId).toBe(j.id);
  expect(trials.filter((t) => t.jobId !== null)).toHaveLength(jobs.length);
  return { jobs, trials };
}

describe("sweep controller against the simulator", () => {
  it("runs every grid combination exactly once, never more than `parallel` at a time", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      {
        endpointId: ep,
        name: "grid",
        config: "method: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n  x1:\n    values: [-3, 0, 3, 6]\n  x2:\n    values: [2, 8, 12]\n",
        parallel: 3,
      },
      asActor(env),
    );
    expect(sweep.state).toBe("pending");
    expect(sweep.progress.total).toBe(12);
    let maxInFlight = 0;
    const state = await runUntil(env, poller, ep, sweep.id, {
      onStep: () => {
        const n = simJobs(env!, ep).filter((j) => j.status === "IN_QUEUE" || j.status === "IN_PROGRESS").length;
        maxInFlight = Math.max(maxInFlight, n);
      },
    });
    expect(state).toBe("completed");
    expect(maxInFlight).toBe(3);
    const { jobs, trials } = await expectExactlyOnce(env, ep, sweep.id);
    expect(jobs).toHaveLength(12);
    expect(trials.every((t) => t.status === "completed")).toBe(true);
    expect(new Set(jobs.map((j) => paramsKey(j.input))).size).toBe(12);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.progress).toMatchObject({ done: 12, total: 12, completed: 12, failed: 0, running: 0, queued: 0 });
    expect(detail.stateReason).toBe("every grid combination has run");
    // the best trial is the grid point with the lowest Branin value (noise 0.01 cannot reorder these)
    const values = trials.map((t) => branin((t.params as { x1: number }).x1, (t.params as { x2: number }).x2));
    expect(detail.best?.value).toBeCloseTo(Math.min(...values), 1);
    expect(detail.best?.jobId).toBeTruthy();
    expect(detail.best?.workerId).toBeTruthy();

    // more passes change nothing
    await step(env, poller, ep);
    expect(simJobs(env, ep)).toHaveLength(12);
    await poller.stop();
  });

  it("a random sweep respects run_cap and parallel, reading the metric from the job output", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      {
        endpointId: ep,
        name: "random",
        config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 9, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } },
        parallel: 2,
        seed: 11,
      },
      asActor(env),
    );
    let maxInFlight = 0;
    await runUntil(env, poller, ep, sweep.id, {
      onStep: () => {
        maxInFlight = Math.max(maxInFlight, simJobs(env!, ep).filter((j) => j.status === "IN_QUEUE" || j.status === "IN_PROGRESS").length);
      },
    });
    const { jobs, trials } = await expectExactlyOnce(env, ep, sweep.id);
    expect(jobs).toHaveLength(9);
    expect(maxInFlight).toBe(2);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.state).toBe("completed");
    expect(detail.stateReason).toBe("run_cap of 9 reached");
    for (const t of await env.prisma.trial.findMany({ where: { sweepId: sweep.id } })) {
      const p = t.params as { x1: number; x2: number };
      expect(t.metricValue).not.toBeNull();
      expect(Math.abs(t.metricValue! - branin(p.x1, p.x2))).toBeLessThan(0.1);
    }
    expect(trials).toHaveLength(9);
    await poller.stop();
  });

  it("a controller killed between the intent and /run, next to two concurrent controllers, submits no trial twice", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "killed", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 8, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 2, seed: 3 },
      asActor(env),
    );
    // The first controller records its intents and dies before calling /run.
    const killedAt = new Date(env.sim.clock.now());
    const killed = await runSweepController(
      {
        endpoints: [ep],
        beforeRun: () => {
          throw new Error("process killed");
        },
      },
      createCtx({ db: env.prisma, runpod: env.client, now: () => killedAt }),
    );
    expect(killed.errors).toBe(1);
    const orphans = await env.prisma.trial.findMany({ where: { sweepId: sweep.id, status: "submitting" } });
    expect(orphans).toHaveLength(2);
    expect(orphans.every((t) => t.submitIntentAt !== null && t.jobId === null)).toBe(true);
    expect(simJobs(env, ep)).toHaveLength(0);

    // While another controller holds the sweep's row lock, a pass skips the sweep instead of waiting.
    let release!: () => void;
    let signalLocked!: () => void;
    const isLocked = new Promise<void>((r) => (signalLocked = r));
    const holder = env.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM sweeps WHERE id = ${sweep.id} FOR UPDATE`;
        signalLocked();
        await new Promise<void>((r) => (release = r));
      },
      { timeout: 30_000 },
    );
    await isLocked;
    const later = new Date(env.sim.clock.now() + 3_600_000);
    const skipped = await runSweepController({ endpoints: [ep], submitGraceMs: 1 }, createCtx({ db: env.prisma, runpod: env.client, now: () => later }));
    release();
    await holder;
    expect(skipped).toMatchObject({ skippedLocked: 1, sweeps: 0, submitted: 0, reconciled: 0 });

    // Two healthy controllers now run side by side on every pass.
    const pair: Ctl[] = [{ submitGraceMs: 20_000 }, { submitGraceMs: 20_000 }];
    for (let i = 0; i < 10; i++) await step(env, poller, ep, pair);
    // within the grace period the orphans still hold their slots: nothing was submitted
    expect(simJobs(env, ep)).toHaveLength(0);
    for (let i = 0; i < 300; i++) {
      await step(env, poller, ep, pair);
      const s = await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } });
      if (s.state === "completed") break;
    }
    const { jobs, trials } = await expectExactlyOnce(env, ep, sweep.id);
    expect(jobs).toHaveLength(8);
    expect(new Set(jobs.map((j) => paramsKey(j.input))).size).toBe(8);
    const unknown = trials.filter((t) => orphans.some((o) => o.id === t.id));
    expect(unknown.map((t) => t.status)).toEqual(["failed", "failed"]);
    const orphanRows = await env.prisma.trial.findMany({ where: { id: { in: orphans.map((o) => o.id) } } });
    expect(orphanRows.every((t) => t.error?.startsWith(UNKNOWN_SUBMISSION))).toBe(true);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.state).toBe("completed");
    expect(detail.failedCount).toBe(0);
    expect(detail.progress).toMatchObject({ done: 8, completed: 8 });
    await poller.stop();
  });

  it("an ambiguous /run is never resent; the job is linked when it shows up with its marker", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "ambiguous", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 4, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 1, seed: 5 },
      asActor(env),
    );
    const real = env.client;
    let fired = false;
    const flaky: Ctl["client"] = {
      run: async (endpointId, body, opts) => {
        const r = await real.run(endpointId, body, opts);
        if (!fired) {
          fired = true;
          throw new RunpodError({ kind: "ambiguous", operation: "run", message: "RunPod run failed: ambiguous (timeout): the request may have been accepted", reason: "timeout" });
        }
        return r;
      },
      cancel: (e, j, o) => real.cancel(e, j, o),
    };
    const first = await step(env, poller, ep, [{ client: flaky }]);
    expect(first[0].ambiguous).toBe(1);
    const [lost] = simJobs(env, ep);
    const trialId = markerOf(lost)!;
    let t = await env.prisma.trial.findUniqueOrThrow({ where: { id: trialId } });
    expect(t.status).toBe("failed");
    expect(t.error).toMatch(/^submission outcome unknown/);
    // A few passes later it was not resubmitted (one job carries its marker) and counts as no failure.
    for (let i = 0; i < 3; i++) await step(env, poller, ep, [{ client: flaky }]);
    expect(simJobs(env, ep).filter((j) => markerOf(j) === trialId)).toHaveLength(1);
    expect((await env.prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).failedCount).toBe(0);

    // RunPod's webhook for that job arrives (it carries the input): the next pass links the trial.
    await applyWebhookUpdate({ jobId: lost.id, statusDoc: { ...env.sim.state.statusDoc(lost), input: lost.input }, endpointId: ep }, createCtx({ db: env.prisma, now: () => new Date(env!.sim.clock.now()) }));
    const results = await step(env, poller, ep, [{ client: flaky }]);
    expect(results[0].reconciled).toBe(1);
    t = await env.prisma.trial.findUniqueOrThrow({ where: { id: trialId } });
    expect(t.jobId).toBe(lost.id);
    await runUntil(env, poller, ep, sweep.id, { controllers: [{ client: flaky }] });
    const { trials } = await expectExactlyOnce(env, ep, sweep.id);
    expect(trials.find((x) => x.id === trialId)?.status).toBe("completed");
    await poller.stop();
  });

  it("cancel cancels the RunPod jobs of every trial in flight and starts nothing new", async () => {
    env = await setupPollerTest({ endpoints: [{ ...HEALTHY, workers: { min: 2, max: 2, idleTimeout: 60 }, jobDurationMs: { min: 120_000, max: 120_000 } }] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "cancel", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 20, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 3, seed: 1 },
      asActor(env),
    );
    for (let i = 0; i < 10; i++) await step(env, poller, ep);
    const before = simJobs(env, ep);
    expect(before).toHaveLength(3);
    expect(before.filter((j) => j.status === "IN_PROGRESS")).toHaveLength(2);
    const dto = await controlSweep({ id: sweep.id, action: "cancel" }, createCtx({ db: env.prisma, runpod: env.client, now: () => new Date(env!.sim.clock.now()), principal: ACTOR }));
    expect(dto.state).toBe("cancelled");
    expect(simJobs(env, ep).map((j) => j.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    for (let i = 0; i < 10; i++) await step(env, poller, ep);
    expect(simJobs(env, ep)).toHaveLength(3);
    const trials = await env.prisma.trial.findMany({ where: { sweepId: sweep.id } });
    expect(trials.map((t) => t.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    await expect(controlSweep({ id: sweep.id, action: "resume" }, asActor(env))).rejects.toMatchObject({ code: "conflict" });
    await poller.stop();
  });

  it("pause holds new trials, stop lets running ones finish", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "pause", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 30, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 2, seed: 2 },
      asActor(env),
    );
    await step(env, poller, ep);
    await controlSweep({ id: sweep.id, action: "pause" }, asActor(env));
    for (let i = 0; i < 20; i++) await step(env, poller, ep);
    expect(simJobs(env, ep)).toHaveLength(2);
    expect(simJobs(env, ep).every((j) => j.status === "COMPLETED")).toBe(true);
    await controlSweep({ id: sweep.id, action: "resume" }, asActor(env));
    await step(env, poller, ep);
    expect(simJobs(env, ep)).toHaveLength(4);
    const stopping = await controlSweep({ id: sweep.id, action: "stop" }, asActor(env));
    expect(stopping.state).toBe("stopping");
    const state = await runUntil(env, poller, ep, sweep.id);
    expect(state).toBe("stopped");
    expect(simJobs(env, ep)).toHaveLength(4);
    expect(simJobs(env, ep).every((j) => j.status === "COMPLETED")).toBe(true);
    await poller.stop();
  });

  it("retries failed trials with the same params within the failed-trial budget, then fails the sweep", async () => {
    env = await setupPollerTest({ endpoints: [{ ...HEALTHY, behaviour: { type: "healthy" as const, failureRate: 1 } }] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "failing", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 10, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 1, failedBudget: 2, seed: 8 },
      asActor(env),
    );
    expect(await runUntil(env, poller, ep, sweep.id)).toBe("failed");
    const trials = await env.prisma.trial.findMany({ where: { sweepId: sweep.id }, orderBy: { number: "asc" } });
    expect(trials.map((t) => [t.status, t.attempt])).toEqual([
      ["failed", 1],
      ["failed", 2],
      ["failed", 3],
    ]);
    expect(new Set(trials.map((t) => paramsKey(t.params))).size).toBe(1);
    expect(trials.every((t) => (t.error ?? "").length > 0)).toBe(true);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.failedCount).toBe(3);
    expect(detail.stateReason).toBe("3 trials failed, over the failed-trial budget of 2; no new trials start");
    await expectExactlyOnce(env, ep, sweep.id);
    await poller.stop();
  });

  it("a grid's progress counts grid points: a point retried four times is one point, its retries said apart", async () => {
    env = await setupPollerTest({ endpoints: [{ ...HEALTHY, behaviour: { type: "healthy" as const, failureRate: 1 } }] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "grid-retries", config: { method: "grid", metric: { name: "loss", goal: "minimize" }, parameters: { x1: { values: [1, 2] }, x2: { value: 3 } } }, parallel: 1, failedBudget: 3, seed: 8 },
      asActor(env),
    );
    expect(await runUntil(env, poller, ep, sweep.id)).toBe("failed");
    const trials = await env.prisma.trial.findMany({ where: { sweepId: sweep.id, jobId: { not: null } }, orderBy: { number: "asc" } });
    expect(trials.map((t) => t.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(trials.map((t) => paramsKey(t.params))).size).toBe(1);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.progress).toMatchObject({ unit: "grid points", total: 2, done: 1, failed: 1, retries: 3 });
    await poller.stop();
  });

  it("stops starting trials once the metric target is reached", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      // every Branin value is below 400, so the first result reaches the target
      { endpointId: ep, name: "target", config: { method: "random", metric: { name: "loss", goal: "minimize", target: 400 }, run_cap: 50, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 2, seed: 8 },
      asActor(env),
    );
    expect(await runUntil(env, poller, ep, sweep.id)).toBe("completed");
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.stateReason).toMatch(/^metric target 400 reached/);
    expect(simJobs(env, ep)).toHaveLength(2);
    expect(detail.progress).toMatchObject({ completed: 2, done: 2 });
    await poller.stop();
  });

  it("hyperband stops a running trial that falls behind at a bracket and cancels its job", async () => {
    env = await setupPollerTest({ endpoints: [{ ...HEALTHY, workers: { min: 4, max: 4, idleTimeout: 60 }, jobDurationMs: { min: 300_000, max: 300_000 } }] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      {
        endpointId: ep,
        name: "hyperband",
        config: "method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: 4\nearly_terminate: {type: hyperband, min_iter: 1, eta: 2}\nparameters:\n  x1: {min: -5.0, max: 10.0}\n  x2: {min: 0.0, max: 15.0}\n",
        parallel: 4,
        seed: 6,
      },
      asActor(env),
    );
    for (let i = 0; i < 8; i++) await step(env, poller, ep);
    const trials = await env.prisma.trial.findMany({ where: { sweepId: sweep.id }, orderBy: { number: "asc" } });
    expect(trials.map((t) => t.status)).toEqual(["running", "running", "running", "running"]);
    // Progress reports as the poller records them: per-iteration losses in output.history.
    const histories = [[1.0, 0.5], [1.0, 0.6], [1.0, 2.0], [1.0, 3.0]];
    const at = new Date(env.sim.clock.now());
    for (const [i, t] of trials.entries()) await recordJobStatus({ jobId: t.jobId!, doc: { status: "IN_PROGRESS", output: { history: histories[i] } }, at, source: "poll" }, createCtx({ db: env.prisma }));
    await runSweepController({ endpoints: [ep] }, createCtx({ db: env.prisma, runpod: env.client, now: () => at }));
    const after = await env.prisma.trial.findMany({ where: { sweepId: sweep.id }, orderBy: { number: "asc" } });
    expect(after.map((t) => t.status)).toEqual(["running", "running", "running", "stopped"]);
    expect(after[3].error).toMatch(/^hyperband early termination: at iteration 1, 3 is outside the best 1\/2/);
    expect(env.sim.state.jobs.get(after[3].jobId!)?.status).toBe("CANCELLED");
    expect(simJobs(env, ep).filter((j) => j.status === "CANCELLED")).toHaveLength(1);
    await poller.stop();
  });

  it("bayes end to end: values come from the simulator's Branin, best-so-far history never gets worse", async () => {
    env = await setupPollerTest({ endpoints: [HEALTHY] });
    const ep = env.ep("healthy");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      {
        endpointId: ep,
        name: "bayes",
        config: "method: bayes\nmetric: {name: loss, goal: minimize}\nrun_cap: 16\nparameters:\n  x1: {distribution: uniform, min: -5, max: 10}\n  x2: {distribution: uniform, min: 0, max: 15}\n",
        parallel: 2,
        seed: 4,
      },
      asActor(env),
    );
    expect(await runUntil(env, poller, ep, sweep.id)).toBe("completed");
    await expectExactlyOnce(env, ep, sweep.id);
    const analysis = await getSweepAnalysis({ sweepId: sweep.id, points: 1000 }, asActor(env));
    expect(analysis.completedTrials).toBe(16);
    const best = analysis.history.points.map((p) => p.best);
    for (let i = 1; i < best.length; i++) expect(best[i]).toBeLessThanOrEqual(best[i - 1]);
    expect(analysis.parallel.rows).toHaveLength(16);
    expect(analysis.importance.map((i) => i.param).sort()).toEqual(["x1", "x2"]);
    const detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.bestValue).toBe(best[best.length - 1]);
    await poller.stop();
  });

  it("on a crash-looping endpoint: shows the flag and why nothing starts, and burns no failed-trial budget", async () => {
    env = await setupPollerTest({ endpoints: [CRASHING] });
    const ep = env.ep("crash");
    const poller = env.poller();
    await poller.tick();
    const sweep = await createSweep(
      { endpointId: ep, name: "stuck", config: { method: "random", metric: { name: "loss", goal: "minimize" }, run_cap: 10, parameters: { x1: { min: -5.0, max: 10.0 }, x2: { min: 0.0, max: 15.0 } } }, parallel: 4, failedBudget: 1, seed: 9 },
      asActor(env),
    );
    for (let i = 0; i < 15; i++) await step(env, poller, ep);
    expect(simJobs(env, ep).map((j) => j.status)).toEqual(["IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE"]);
    let detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.stateReason).toBe(`waiting: 4 trials queued on endpoint ${ep}, none started yet`);
    expect(detail.flag).toBeNull();
    // The detection module flags the queued jobs (done by hand here: it is another module's job).
    await env.prisma.job.updateMany({ where: { endpointId: ep, status: "IN_QUEUE" }, data: { flag: "random_device_crash_loop" } });
    await step(env, poller, ep);
    detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.stateReason).toBe(`waiting: endpoint ${ep} is crash-looping (random_device); 4 trials queued, none started`);
    expect(detail.flag).toMatchObject({ kind: "random_device_crash_loop", queuedJobs: 4 });
    const listed = (await listSweeps({ limit: 50, endpointId: ep }, asActor(env))).sweeps[0];
    expect(listed.flag?.kind).toBe("random_device_crash_loop");
    expect(listed.progress).toMatchObject({ done: 0, queued: 4, running: 0, failed: 0 });

    // Two jobs time out in the queue without ever starting (TTL): not failures; their params go back in the queue.
    const [a, b] = simJobs(env, ep);
    const at = new Date(env.sim.clock.now());
    for (const j of [a, b]) await recordJobStatus({ jobId: j.id, doc: { status: "TIMED_OUT" }, at, source: "poll" }, createCtx({ db: env.prisma }));
    await step(env, poller, ep);
    detail = await getSweep({ id: sweep.id }, asActor(env));
    expect(detail.failedCount).toBe(0);
    expect(detail.state).toBe("running");
    expect(detail.progress).toMatchObject({ expired: 2, queued: 4, failed: 0, done: 0 });
    const expired = await env.prisma.trial.findMany({ where: { sweepId: sweep.id, status: "expired" } });
    expect(expired.every((t) => /never started/.test(t.error ?? ""))).toBe(true);
    const requeued = await env.prisma.trial.findMany({ where: { sweepId: sweep.id, number: { gt: 4 } } });
    expect(requeued.map((t) => paramsKey(t.params)).sort()).toEqual(expired.map((t) => paramsKey(t.params)).sort());
    expect(simJobs(env, ep)).toHaveLength(6);
    await poller.stop();
  });
});
