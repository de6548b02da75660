import { Prisma, type PrismaClient } from "@/lib/db";
import { createCtx, type Ctx } from "@/lib/ctx";
import { cancelSweepJobs, sweepConfigOf } from "@/lib/sweeps/service";
import { UNKNOWN_SUBMISSION } from "@/lib/sweeps/repository";
import { recordPollError } from "@/lib/data/poll-errors";
import { recordAudit } from "@/lib/data/audit";
import { sweepSpend } from "@/lib/damage/costs";
import { budgetReached } from "@/lib/domain/cost/trial-time";
import type { Principal } from "@/lib/auth/principal";
import {
  applyInputTemplate,
  createSuggester,
  extractHistory,
  extractTrialMetric,
  hyperbandStopTrials,
  ACTIVE_SWEEP_STATES,
  IN_FLIGHT_TRIAL_STATUSES,
  type Params,
  type TrialResult,
} from "@/lib/domain/sweep";
import { createLogger, type Logger } from "@/lib/log";
import type { RunpodClient } from "@/lib/runpod/client";
import { RunpodError } from "@/lib/runpod/errors";
import { EXPIRED, WAITING_JOB_STATUSES, normalizeJobStatus } from "@/lib/domain/job/status";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import type { SweepState, TrialStatus } from "@/lib/generated/prisma/enums";

/**
 * The sweep controller: one pass keeps every active sweep's `parallel` trials in flight and
 * folds finished jobs back into their trials. Exactly-once submission protocol:
 *
 * 1. Under the sweep's row lock (SELECT ... FOR UPDATE SKIP LOCKED: two controllers never plan
 *    the same sweep at once; a busy sweep is skipped, not waited for) the pass records each new
 *    trial's intent: status "submitting", idempotencyKey, submitIntentAt — and COMMITS it.
 * 2. Only then, outside the transaction, it calls RunPod /run once per claimed trial, with
 *    `_sweepwatch: {sweepId, trialId}` in the job input.
 * 3. It links the answer (Trial.jobId, status "queued", Job row with source "trial").
 *
 * A trial left in "submitting" without a job (the process died between 1 and 3, or /run was
 * ambiguous) is never resubmitted. After a grace period a later pass reconciles it: a tracked
 * job carrying its marker (e.g. from a webhook) is linked; otherwise it is marked failed with
 * "submission outcome unknown" — not counted against the failed-trial budget, not retried, and
 * its parameters are not proposed again (they may be running on RunPod).
 *
 * Outcomes: COMPLETED → metric via extractTrialMetric (missing metric = failed); FAILED /
 * TIMED_OUT / EXPIRED after a worker took the job → failed, counted against failedBudget and
 * retried (same params, attempt+1) while the budget lasts; the same states for a job that NEVER
 * started (no startedAt, no workerId: e.g. its TTL ran out while every worker crash-looped) →
 * trial "expired", not counted, and its params are queued again as a new trial. While the
 * endpoint's queued jobs carry the random_device crash-loop flag, stateReason says so.
 */

export type ControllerClient = Pick<RunpodClient, "run"> & Partial<Pick<RunpodClient, "cancel">>;

export interface ClaimedTrial {
  id: string;
  sweepId: string;
  number: number;
}

export interface SweepControllerInput {
  log?: Logger;
  /** Only sweeps on these endpoints (a poller passes the endpoints it leases). Default: all. */
  endpoints?: string[];
  pollerId?: string | null;
  /** A "submitting" trial older than this without a job is reconciled (default 5 min > any /run call). */
  submitGraceMs?: number;
  /** Test seam: runs after the intent is committed, before /run. Throwing here simulates a crash. */
  beforeRun?: (trial: ClaimedTrial) => Promise<void> | void;
}

/** What one pass works with: the context's database and client, and its clock read once, so every row of the pass carries the same time. */
interface Pass extends SweepControllerInput {
  prisma: PrismaClient;
  client: ControllerClient;
  now: Date;
}

export interface ControllerSummary {
  sweeps: number;
  skippedLocked: number;
  submitted: number;
  ambiguous: number;
  reconciled: number;
  finished: number;
  /** sweeps whose pass threw (logged and recorded as a PollError) */
  errors: number;
}

const DEFAULT_GRACE_MS = 5 * 60_000;
const IN_FLIGHT: TrialStatus[] = [...IN_FLIGHT_TRIAL_STATUSES];
const NEVER_RAN_NOTE = "not counted as a failure: the job never started";

type Tx = Prisma.TransactionClient;

/** stateReason prefix of sweeps the controller paused at their budget. */
export const BUDGET_PAUSE_PREFIX = "paused at budget:";
const CONTROLLER: Principal = { kind: "system", id: null, name: "sweep controller", role: null };

interface LockedSweep {
  id: string;
  endpointId: string;
  state: string;
  stateReason: string | null;
  config: unknown;
  parallel: number;
  failedBudget: number;
  failedCount: number;
  inputTemplate: unknown;
  metricPath: string | null;
  seed: number;
  runCap: number | null;
  metricGoal: "minimize" | "maximize";
  metricTarget: number | null;
  bestTrialId: string | null;
  bestValue: number | null;
  startedAt: Date | null;
  budgetGpuSeconds: number | null;
  budgetUsd: number | null;
}

interface PlanResult {
  endpointId: string;
  claimed: (ClaimedTrial & { input: Record<string, unknown> | null; inputError: string | null })[];
  toCancel: string[];
  cancelSweep: boolean;
  reconciled: number;
  finished: boolean;
}

function mapHistoryStatus(s: TrialStatus): TrialResult["status"] {
  switch (s) {
    case "completed":
      return "completed";
    case "failed":
      return "failed";
    case "running":
      return "running";
    case "stopped":
      return "stopped";
    case "cancelled":
    case "expired":
      return "cancelled";
    default:
      return "pending";
  }
}

function better(goal: "minimize" | "maximize", a: number, b: number | null): boolean {
  return b === null || (goal === "maximize" ? a > b : a < b);
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Runs one controller pass over every sweep that is active or still has trials in flight. */
export async function runSweepController(input: SweepControllerInput, ctx: Ctx<ControllerClient>): Promise<ControllerSummary> {
  return controllerPass({ ...input, prisma: ctx.db, client: ctx.runpod(), now: ctx.now() });
}

async function controllerPass(ctx: Pass): Promise<ControllerSummary> {
  const log = ctx.log ?? createLogger("sweeps");
  const summary: ControllerSummary = { sweeps: 0, skippedLocked: 0, submitted: 0, ambiguous: 0, reconciled: 0, finished: 0, errors: 0 };
  const sweeps = await ctx.prisma.sweep.findMany({
    where: {
      ...(ctx.endpoints ? { endpointId: { in: ctx.endpoints } } : {}),
      OR: [{ state: { in: [...ACTIVE_SWEEP_STATES] } }, { trials: { some: { status: { in: IN_FLIGHT } } } }],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  for (const s of sweeps) {
    try {
      const r = await stepSweep(ctx, s.id, log, summary);
      if (r === "locked") summary.skippedLocked++;
      else summary.sweeps++;
    } catch (err) {
      summary.errors++;
      log.error("sweep controller pass failed", { sweepId: s.id, error: err });
      await recordPollError(ctx.prisma, {
        endpointId: null,
        pollerId: ctx.pollerId ?? null,
        operation: "sweep-controller",
        httpStatus: null,
        message: `sweep ${s.id}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000),
        at: ctx.now,
      }).catch(() => undefined);
    }
  }
  return summary;
}

async function stepSweep(ctx: Pass, sweepId: string, log: Logger, summary: ControllerSummary): Promise<"locked" | "done"> {
  const plan = await ctx.prisma.$transaction((tx) => planSweep(tx, ctx, sweepId), { timeout: 60_000, maxWait: 10_000 });
  if (!plan) return "locked";
  summary.reconciled += plan.reconciled;
  if (plan.finished) summary.finished++;
  const cancel = ctx.client.cancel?.bind(ctx.client);
  if (cancel && plan.toCancel.length) {
    for (const jobId of plan.toCancel) {
      await cancel(plan.endpointId, jobId).catch((err: unknown) => log.warn("could not cancel a stopped trial's job", { sweepId, jobId, error: err instanceof Error ? err.message : String(err) }));
    }
  }
  if (cancel && plan.cancelSweep) await cancelSweepJobs(sweepId, { prisma: ctx.prisma, client: { cancel }, now: ctx.now });
  for (const t of plan.claimed) {
    const outcome = await submitTrial(ctx, plan.endpointId, t, log);
    if (outcome === "submitted") summary.submitted++;
    if (outcome === "ambiguous") summary.ambiguous++;
  }
  return "done";
}

/** Everything that must not interleave with another controller: runs under the sweep's row lock. */
async function planSweep(tx: Tx, ctx: Pass, sweepId: string): Promise<PlanResult | null> {
  const now = ctx.now;
  const locked = await tx.$queryRaw<LockedSweep[]>`
    SELECT id, "endpointId", state::text AS state, "stateReason", config, parallel, "failedBudget", "failedCount", "inputTemplate",
           "metricPath", seed, "runCap", "metricGoal"::text AS "metricGoal", "metricTarget", "bestTrialId", "bestValue", "startedAt",
           "budgetGpuSeconds", "budgetUsd"
    FROM sweeps WHERE id = ${sweepId} FOR UPDATE SKIP LOCKED`;
  const sweep = locked[0];
  if (!sweep) return null;
  const config = sweepConfigOf(sweep);
  const result: PlanResult = { endpointId: sweep.endpointId, claimed: [], toCancel: [], cancelSweep: false, reconciled: 0, finished: false };
  const active = sweep.state === "pending" || sweep.state === "running" || sweep.state === "paused" || sweep.state === "stopping";
  const sweepUpdate: Prisma.SweepUpdateInput = {};
  let failedCount = sweep.failedCount;
  let best = { id: sweep.bestTrialId, value: sweep.bestValue };

  // 1. Reconcile trials whose /run outcome is unknown: stuck in "submitting" past the grace period
  //    (their controller died), or marked unknown after an ambiguous /run. A tracked job carrying
  //    the trial's marker (a webhook delivery records the input) is linked; else it stays unknown.
  const grace = ctx.submitGraceMs ?? DEFAULT_GRACE_MS;
  const staleBefore = new Date(now.getTime() - grace);
  const stale = await tx.trial.findMany({
    where: { sweepId, status: "submitting", jobId: null, submitIntentAt: { lt: staleBefore } },
    select: { id: true },
  });
  const unknown = await tx.trial.count({ where: { sweepId, status: "failed", jobId: null, error: { startsWith: UNKNOWN_SUBMISSION } } });
  if (stale.length || unknown) {
    const found = await tx.$queryRaw<{ trialId: string; jobId: string }[]>`
      SELECT t.id AS "trialId", j.id AS "jobId"
      FROM trials t JOIN jobs j ON j."endpointId" = ${sweep.endpointId} AND j.input -> '_sweepwatch' ->> 'trialId' = t.id
      WHERE t."sweepId" = ${sweepId} AND t."jobId" IS NULL AND j."trialId" IS NULL
        AND ((t.status = 'submitting' AND t."submitIntentAt" < ${staleBefore}) OR (t.status = 'failed' AND t.error LIKE ${UNKNOWN_SUBMISSION + "%"}))`;
    const linked = new Set<string>();
    for (const f of found) {
      if (linked.has(f.trialId)) continue;
      linked.add(f.trialId);
      await tx.job.update({ where: { id: f.jobId }, data: { trialId: f.trialId, source: "trial" } });
      await tx.trial.update({ where: { id: f.trialId }, data: { jobId: f.jobId, status: "queued", error: null, finishedAt: null, submittedAt: now } });
      result.reconciled++;
    }
    for (const t of stale) {
      if (linked.has(t.id)) continue;
      await tx.trial.update({
        where: { id: t.id },
        data: {
          status: "failed",
          finishedAt: now,
          error: `${UNKNOWN_SUBMISSION}: the controller stopped between recording the intent and RunPod's answer; not resubmitted, since the job may or may not exist on RunPod`,
        },
      });
      result.reconciled++;
    }
  }

  // 2. Fold job outcomes into trials.
  const open = await tx.$queryRaw<
    {
      id: string;
      number: number;
      params: Params;
      attempt: number;
      status: TrialStatus;
      jobId: string;
      jobStatus: string;
      output: unknown;
      error: string | null;
      workerId: string | null;
      startedAt: Date | null;
      finishedAt: Date | null;
    }[]
  >`
    SELECT t.id, t.number, t.params, t.attempt, t.status::text AS status, j.id AS "jobId", j.status AS "jobStatus", j.output, j.error,
           j."workerId", j."startedAt", j."finishedAt"
    FROM trials t JOIN jobs j ON j.id = t."jobId"
    WHERE t."sweepId" = ${sweepId} AND t.status IN ('queued', 'running')
    ORDER BY t.number`;
  const requeue: { params: Params; attempt: number }[] = [];
  const retry: { params: Params; attempt: number }[] = [];
  for (const t of open) {
    const js = normalizeJobStatus(t.jobStatus);
    const started = t.startedAt !== null || t.workerId !== null;
    const base = { workerId: t.workerId, startedAt: t.startedAt };
    if (js === "IN_PROGRESS" || js === "RUNNING") {
      if (t.status !== "running") await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "running", startedAt: t.startedAt ?? now } });
      continue;
    }
    const finishedAt = t.finishedAt ?? now;
    if (js === "COMPLETED") {
      if (!config.metric) {
        await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "completed", finishedAt, output: (t.output ?? Prisma.DbNull) as Prisma.InputJsonValue } });
        continue;
      }
      const m = extractTrialMetric(t.output, config);
      if (m.ok) {
        await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "completed", finishedAt, metricValue: m.value, output: (t.output ?? Prisma.DbNull) as Prisma.InputJsonValue } });
        if (better(sweep.metricGoal, m.value, best.value)) best = { id: t.id, value: m.value };
      } else {
        failedCount++;
        await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "failed", finishedAt, error: `job completed but ${m.error}`, output: (t.output ?? Prisma.DbNull) as Prisma.InputJsonValue } });
        retry.push({ params: t.params, attempt: t.attempt + 1 });
      }
      continue;
    }
    if (js === "CANCELLED") {
      await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "cancelled", finishedAt, error: sweep.state === "cancelled" ? "cancelled with the sweep" : "the job was cancelled outside sweepwatch" } });
      continue;
    }
    if (js === "FAILED" || js === "TIMED_OUT" || js === EXPIRED) {
      if (!started) {
        // Never picked up (e.g. every worker crash-loops and the job's TTL ran out): not the trial's fault.
        await tx.trial.update({ where: { id: t.id }, data: { status: "expired", finishedAt, error: `job ${js} without ever starting (${t.error ?? "no worker took it"}); ${NEVER_RAN_NOTE}` } });
        requeue.push({ params: t.params, attempt: t.attempt });
        continue;
      }
      failedCount++;
      const why = js === EXPIRED ? "the job's result expired on RunPod before it was read" : (t.error ?? js);
      await tx.trial.update({ where: { id: t.id }, data: { ...base, status: "failed", finishedAt, error: why.slice(0, 10_000) } });
      retry.push({ params: t.params, attempt: t.attempt + 1 });
    }
    // IN_QUEUE / UNKNOWN: nothing to do.
  }
  if (failedCount !== sweep.failedCount) sweepUpdate.failedCount = failedCount;
  if (best.id !== sweep.bestTrialId) {
    sweepUpdate.bestTrialId = best.id;
    sweepUpdate.bestValue = best.value;
  }

  // 3. Hyperband early termination of running trials.
  if (config.early_terminate && config.metric && active) {
    const withOutput = await tx.$queryRaw<{ id: string; status: string; output: unknown; jobId: string | null }[]>`
      SELECT t.id, t.status::text AS status, COALESCE(t.output, j.output) AS output, t."jobId"
      FROM trials t LEFT JOIN jobs j ON j.id = t."jobId"
      WHERE t."sweepId" = ${sweepId} AND t.status IN ('running', 'completed', 'stopped', 'failed')`;
    const stops = hyperbandStopTrials(
      withOutput.map((t) => ({ id: t.id, status: t.status, history: extractHistory(t.output, config.metric!.name) })),
      config.early_terminate,
      config.metric.goal,
    );
    for (const s of stops) {
      const row = withOutput.find((t) => t.id === s.id);
      await tx.trial.update({ where: { id: s.id }, data: { status: "stopped", finishedAt: now, error: `hyperband early termination: ${s.decision.reason}` } });
      if (row?.jobId) result.toCancel.push(row.jobId);
    }
  }

  // 4. State transitions and new trials.
  let state = sweep.state;
  let reason = sweep.stateReason;
  if (state === "pending") {
    state = "running";
    sweepUpdate.startedAt = sweep.startedAt ?? now;
  }
  if (state === "cancelled") {
    result.cancelSweep = true;
  }
  if ((state === "running" || state === "paused") && failedCount > sweep.failedBudget) {
    state = "failed";
    reason = `${plural(failedCount, "trial")} failed, over the failed-trial budget of ${sweep.failedBudget}; no new trials start`;
    sweepUpdate.finishedAt = now;
    await tx.trial.updateMany({ where: { sweepId, status: "pending" }, data: { status: "cancelled", finishedAt: now, error: "not started: the sweep failed" } });
  }
  if (state === "running" && (sweep.budgetGpuSeconds !== null || sweep.budgetUsd !== null)) {
    const spent = await sweepSpend(tx, sweepId, now);
    const reached = budgetReached({ gpuSeconds: sweep.budgetGpuSeconds, usd: sweep.budgetUsd }, spent.total);
    if (reached) {
      state = "paused";
      reason = `${BUDGET_PAUSE_PREFIX} ${reached}; trials in flight go on, no new ones start; raise or clear the budget, then resume`;
      await recordAudit({ action: "sweep.pause", targetType: "sweep", targetId: sweepId, detail: { from: "running", reason } }, createCtx({ principal: CONTROLLER }), tx);
    }
  }
  const keepGoing = state === "running" || state === "paused";
  const nextNumber = async () => ((await tx.trial.aggregate({ where: { sweepId }, _max: { number: true } }))._max.number ?? 0) + 1;
  const addTrials = async (items: { params: Params; attempt: number }[]) => {
    if (!items.length) return;
    let n = await nextNumber();
    await tx.trial.createMany({
      data: items.map((it) => {
        const number = n++;
        return { sweepId, number, params: it.params as Prisma.InputJsonValue, attempt: it.attempt, status: "pending" as const, idempotencyKey: `${sweepId}:${number}`, createdAt: now };
      }),
    });
  };
  if (keepGoing) {
    await addTrials(requeue);
    await addTrials(retry);
  }

  const counts = await statusCounts(tx, sweepId);
  const inFlight = counts.pending + counts.submitting + counts.queued + counts.running;
  const targetReached =
    config.metric?.target !== undefined && best.value !== null && (config.metric.goal === "maximize" ? best.value >= config.metric.target : best.value <= config.metric.target);
  let noMore: string | null = targetReached ? `metric target ${config.metric!.target} reached (best ${best.value})` : null;
  if (state === "running" && !noMore) {
    const capLeft = sweep.runCap === null ? Infinity : sweep.runCap - counts.counted;
    if (capLeft <= 0) noMore = `run_cap of ${sweep.runCap} reached`;
    const slots = Math.min(sweep.parallel - inFlight, capLeft);
    if (!noMore && slots > 0) {
      const history = await tx.trial.findMany({ where: { sweepId }, orderBy: { number: "asc" }, select: { params: true, status: true, metricValue: true } });
      const suggester = createSuggester(config, { seed: sweep.seed });
      const results: TrialResult[] = history.map((h) => ({ params: h.params as Params, value: h.metricValue, status: mapHistoryStatus(h.status) }));
      const next = suggester.suggest(results, slots);
      await addTrials(next.map((params) => ({ params, attempt: 1 })));
      counts.pending += next.length;
      if (next.length < slots && inFlight + next.length === 0) noMore = config.method === "grid" ? "every grid combination has run" : "the search space is exhausted";
    }
  }
  const inFlightNow = counts.pending + counts.submitting + counts.queued + counts.running;
  if (noMore && state === "running") {
    if (targetReached && counts.pending) {
      await tx.trial.updateMany({ where: { sweepId, status: "pending" }, data: { status: "cancelled", finishedAt: now, error: `not started: ${noMore}` } });
      counts.pending = 0;
    }
    const stillFlying = counts.pending + counts.submitting + counts.queued + counts.running;
    if (stillFlying === 0) {
      state = "completed";
      reason = noMore;
      sweepUpdate.finishedAt = now;
      result.finished = true;
    } else reason = `${noMore}; waiting for ${plural(stillFlying, "trial")} in flight`;
  } else if (state === "stopping" && counts.submitting + counts.queued + counts.running === 0) {
    state = "stopped";
    reason = `${sweep.stateReason?.replace(/; waiting for .*$/, "") ?? "stopped"}; every trial in flight has finished`;
    sweepUpdate.finishedAt = now;
    result.finished = true;
  } else if (state === "running" && inFlightNow > 0) {
    reason = await runningReason(tx, sweep.endpointId, counts);
  }

  // 5. Claim pending trials: the intent is committed with this transaction, BEFORE /run.
  if (state === "running") {
    const room = sweep.parallel - (counts.submitting + counts.queued + counts.running);
    if (room > 0) {
      const claimed = await tx.$queryRaw<{ id: string; number: number; params: Params }[]>`
        UPDATE trials SET status = 'submitting', "submitIntentAt" = ${now}, "updatedAt" = ${now}
        WHERE id IN (SELECT id FROM trials WHERE "sweepId" = ${sweepId} AND status = 'pending' ORDER BY number LIMIT ${room})
        RETURNING id, number, params`;
      for (const c of claimed.sort((a, b) => a.number - b.number)) {
        let input: Record<string, unknown> | null = null;
        let inputError: string | null = null;
        try {
          input = { ...applyInputTemplate(config.sweepwatch.input_template, c.params), _sweepwatch: { sweepId, trialId: c.id } };
        } catch (err) {
          inputError = err instanceof Error ? err.message : String(err);
        }
        result.claimed.push({ id: c.id, sweepId, number: c.number, input, inputError });
      }
    }
  }

  if (state !== sweep.state) sweepUpdate.state = state as SweepState;
  if (reason !== sweep.stateReason) sweepUpdate.stateReason = reason;
  if (Object.keys(sweepUpdate).length) await tx.sweep.update({ where: { id: sweepId }, data: sweepUpdate });
  return result;
}

interface StatusCounts {
  pending: number;
  submitting: number;
  queued: number;
  running: number;
  /** trials that use up run_cap: all but expired/cancelled ones and unknown submissions */
  counted: number;
}

async function statusCounts(tx: Tx, sweepId: string): Promise<StatusCounts> {
  const rows = await tx.$queryRaw<{ status: string; n: number; unknown: number }[]>`
    SELECT status::text AS status, count(*)::int AS n,
           count(*) FILTER (WHERE status = 'failed' AND "jobId" IS NULL AND error LIKE ${UNKNOWN_SUBMISSION + "%"})::int AS unknown
    FROM trials WHERE "sweepId" = ${sweepId} GROUP BY 1`;
  const c: StatusCounts = { pending: 0, submitting: 0, queued: 0, running: 0, counted: 0 };
  for (const r of rows) {
    if (r.status === "pending" || r.status === "submitting" || r.status === "queued" || r.status === "running") c[r.status] = r.n;
    if (r.status !== "expired" && r.status !== "cancelled") c.counted += r.n - r.unknown;
  }
  return c;
}

/** Why a running sweep is where it is; names the crash loop when trials wait on a flagged endpoint. */
async function runningReason(tx: Tx, endpointId: string, c: StatusCounts): Promise<string> {
  const waiting = c.queued + c.submitting;
  if (c.running === 0 && waiting > 0) {
    const flagged = await tx.job.count({ where: { endpointId, flag: CRASH_LOOP_FLAG, status: { in: [...WAITING_JOB_STATUSES] } } });
    if (flagged > 0)
      return `waiting: endpoint ${endpointId} is crash-looping (random_device); ${plural(waiting, "trial")} queued, none started`;
    return `waiting: ${plural(waiting, "trial")} queued on endpoint ${endpointId}, none started yet`;
  }
  return `running: ${c.running} running, ${waiting} queued${c.pending ? `, ${c.pending} pending` : ""}`;
}

/** /run for one claimed trial, then the link (or the recorded reason why not). */
async function submitTrial(
  ctx: Pass,
  endpointId: string,
  t: PlanResult["claimed"][number],
  log: Logger,
): Promise<"submitted" | "ambiguous" | "rejected" | "retry"> {
  const { prisma } = ctx;
  if (t.inputError !== null || t.input === null) {
    await prisma.$transaction([
      prisma.trial.updateMany({ where: { id: t.id, status: "submitting" }, data: { status: "failed", finishedAt: ctx.now, error: `could not build the job input: ${t.inputError}` } }),
      prisma.sweep.update({ where: { id: t.sweepId }, data: { failedCount: { increment: 1 } } }),
    ]);
    return "rejected";
  }
  await ctx.beforeRun?.(t);
  let res: { id: string; status: string };
  try {
    res = await ctx.client.run(endpointId, { input: t.input });
  } catch (err) {
    const re = err instanceof RunpodError ? err : null;
    if (!re || re.kind === "ambiguous") {
      // The job may be queued and billed: never resend. Reconciliation is by the _sweepwatch marker.
      await prisma.trial.updateMany({
        where: { id: t.id, status: "submitting", jobId: null },
        data: { status: "failed", finishedAt: ctx.now, error: `${UNKNOWN_SUBMISSION}: ${(err instanceof Error ? err.message : String(err)).slice(0, 2000)}; not resubmitted to avoid a duplicate job` },
      });
      log.warn("trial submission outcome unknown; not resubmitted", { trialId: t.id, sweepId: t.sweepId });
      return "ambiguous";
    }
    if (re.kind === "bad_request") {
      await prisma.$transaction([
        prisma.trial.updateMany({ where: { id: t.id, status: "submitting" }, data: { status: "failed", finishedAt: ctx.now, error: `RunPod rejected the job: ${re.problem?.detail ?? re.message}`.slice(0, 4000) } }),
        prisma.sweep.update({ where: { id: t.sweepId }, data: { failedCount: { increment: 1 } } }),
      ]);
      return "rejected";
    }
    // Definitely not accepted (429, 401/403/404, refused connection): back to pending, tried again next pass.
    await prisma.trial.updateMany({ where: { id: t.id, status: "submitting", jobId: null }, data: { status: "pending", submitIntentAt: null } });
    await recordPollError(prisma, { endpointId, pollerId: ctx.pollerId ?? null, operation: "sweep-submit", httpStatus: re.status, message: re.message, at: ctx.now }).catch(() => undefined);
    return "retry";
  }
  const at = ctx.now;
  const status = normalizeJobStatus(res.status || "IN_QUEUE");
  const cancelAfter = await prisma.$transaction(async (tx) => {
    await tx.job.createMany({
      data: [{ id: res.id, endpointId, status, source: "trial", input: t.input as Prisma.InputJsonValue, submittedAt: at, statusChangedAt: at, nextPollAt: at }],
      skipDuplicates: true,
    });
    await tx.job.update({ where: { id: res.id }, data: { trialId: t.id } });
    const existingTransition = await tx.jobTransition.count({ where: { jobId: res.id } });
    if (!existingTransition) await tx.jobTransition.create({ data: { jobId: res.id, fromStatus: null, toStatus: status, source: "submit", at } });
    // A late answer still wins over a reconciliation that gave up on it: we now know the job exists.
    const rows = await tx.$queryRaw<{ status: string }[]>`
      UPDATE trials SET "jobId" = ${res.id}, "submittedAt" = ${at}, "updatedAt" = ${at},
        status = CASE WHEN status = 'submitting' OR (status = 'failed' AND error LIKE ${UNKNOWN_SUBMISSION + "%"}) THEN 'queued'::trial_status ELSE status END,
        error = CASE WHEN status = 'failed' AND error LIKE ${UNKNOWN_SUBMISSION + "%"} THEN NULL ELSE error END,
        "finishedAt" = CASE WHEN status = 'failed' AND error LIKE ${UNKNOWN_SUBMISSION + "%"} THEN NULL ELSE "finishedAt" END
      WHERE id = ${t.id} AND "jobId" IS NULL
      RETURNING status::text AS status`;
    return rows[0]?.status === "cancelled";
  });
  if (cancelAfter && ctx.client.cancel) await ctx.client.cancel(endpointId, res.id).catch(() => undefined);
  return "submitted";
}
