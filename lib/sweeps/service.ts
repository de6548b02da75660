import { Prisma, type PrismaClient } from "@/lib/db";
import { actorOf, type Ctx, ctxWith } from "@/lib/ctx";
import { recordAudit } from "@/lib/data/audit";
import { sweepSpend } from "@/lib/damage/costs";
import { budgetReached } from "@/lib/domain/cost/trial-time";
import { AppError, type ErrorIssue } from "@/lib/http/errors";
import { createLogger } from "@/lib/log";
import type { RunpodClient } from "@/lib/runpod/client";
import { RunpodError } from "@/lib/runpod/errors";
import {
  JOB_TRIAL_STATUSES,
  SUBMITTED_TRIAL_STATUSES,
  SWEEP_ACTIONS_FROM,
  type SweepAction,
  checkMetricPath,
  configToRaw,
  expandSearchSpace,
  flattenParameters,
  formatConfigError,
  parseSweepConfig,
  parseSweepConfigOrThrow,
  templatePlaceholders,
  type SweepConfig,
} from "@/lib/domain/sweep";
import type { CreateSweepBody, NotesDto, SweepDetailDto, SweepState } from "@/lib/api/specs/sweeps";
import { getSweep } from "@/lib/sweeps/repository";

/**
 * Service: sweep config validation, creation, notes and the pause/resume/stop/cancel state
 * machine, with their audit entries and RunPod calls. Reads are in lib/sweeps/repository.ts.
 */

const log = createLogger("sweeps");

type Db = PrismaClient | Prisma.TransactionClient;

// ───────────── config ─────────────

export interface SweepRowConfig {
  config: unknown;
  parallel: number;
  failedBudget: number;
  inputTemplate: unknown;
  metricPath: string | null;
  seed: number;
}

/** The stored config with the per-sweep columns (which the API may override) folded into `sweepwatch:`. */
export function sweepConfigOf(row: SweepRowConfig): SweepConfig {
  const config = parseSweepConfigOrThrow(row.config as object);
  config.sweepwatch = {
    ...config.sweepwatch,
    parallel: row.parallel,
    failed_budget: row.failedBudget,
    input_template: row.inputTemplate ?? null,
    metric_path: row.metricPath,
    seed: row.seed,
  };
  return config;
}

function configIssues(errors: { path: string; line?: number; col?: number; message: string }[]): ErrorIssue[] {
  return errors.map((e) => ({
    path: ["config", e.path].filter(Boolean).join("."),
    message: e.line !== undefined ? `line ${e.line}:${e.col ?? 1}: ${e.message}` : e.message,
  }));
}

// ───────────── create ─────────────

export async function createSweep(body: CreateSweepBody, ctx: Ctx<unknown>): Promise<SweepDetailDto> {
  const actor = actorOf(ctx);
  const prisma = ctx.db;
  const parsed = parseSweepConfig(body.config);
  if (!parsed.ok) {
    throw new AppError("validation_failed", `The sweep config is invalid: ${parsed.errors.slice(0, 3).map(formatConfigError).join("; ")}`, {
      issues: configIssues(parsed.errors),
    });
  }
  const config = parsed.config;
  const sw = config.sweepwatch;
  const parallel = body.parallel ?? sw.parallel;
  const failedBudget = body.failedBudget ?? sw.failed_budget;
  // a budget in the request wins over the config's sweepwatch block
  const budgetGpuHours = body.budget ? body.budget.gpuHours : sw.budget_gpu_hours;
  const budgetUsd = body.budget ? body.budget.usd : sw.budget_usd;
  const inputTemplate = body.inputTemplate !== undefined ? body.inputTemplate : sw.input_template;
  const metricPath = body.metricPath !== undefined ? body.metricPath : sw.metric_path;
  const seed = body.seed ?? sw.seed ?? Math.floor(Math.random() * 2_147_483_647);

  const issues: ErrorIssue[] = [];
  if (metricPath) {
    const problem = checkMetricPath(metricPath);
    if (problem) issues.push({ path: "metricPath", message: `invalid metric path: ${problem}` });
  }
  if (inputTemplate !== null && inputTemplate !== undefined) {
    if (typeof inputTemplate !== "object" || Array.isArray(inputTemplate)) issues.push({ path: "inputTemplate", message: "must be a JSON object (RunPod's input is an object)" });
    else {
      const known = new Set(flattenParameters(config.parameters).map((f) => f.path));
      for (const p of templatePlaceholders(inputTemplate)) {
        // a placeholder may also name a nested group ({{param.optimizer}})
        if (!known.has(p) && ![...known].some((k) => k.startsWith(`${p}.`))) issues.push({ path: "inputTemplate", message: `{{param.${p}}} names no parameter of the config` });
      }
    }
  }
  const space = expandSearchSpace(config);
  if (config.method === "grid" && space.gridSize === null) issues.push({ path: "config.method", message: "grid search needs every parameter to be discrete (values, int_uniform or q_uniform)" });
  if (issues.length) throw new AppError("validation_failed", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { issues });

  const endpoint = await prisma.endpoint.findUnique({ where: { id: body.endpointId }, select: { id: true } });
  if (!endpoint) {
    throw new AppError("not_found", `Endpoint "${body.endpointId}" is not known to sweepwatch.`, { issues: [{ path: "endpointId", message: "unknown endpoint" }] });
  }
  const now = ctx.now();
  const id = await prisma.$transaction(async (tx) => {
    const row = await tx.sweep.create({
      data: {
        endpointId: endpoint.id,
        name: body.name,
        method: config.method,
        config: configToRaw(config) as Prisma.InputJsonValue,
        configText: typeof body.config === "string" ? body.config : null,
        metricName: config.metric?.name ?? "",
        metricGoal: config.metric?.goal ?? "minimize",
        metricTarget: config.metric?.target ?? null,
        metricPath: metricPath ?? null,
        runCap: config.run_cap ?? null,
        parallel,
        failedBudget,
        budgetGpuSeconds: budgetGpuHours !== null ? budgetGpuHours * 3600 : null,
        budgetUsd,
        inputTemplate: inputTemplate === null || inputTemplate === undefined ? Prisma.DbNull : (inputTemplate as Prisma.InputJsonValue),
        seed,
        state: "pending",
        stateReason: "waiting for the controller to start the sweep",
        createdBy: actor.name.slice(0, 255),
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAudit(
      { action: "sweep.create", targetType: "sweep", targetId: row.id, detail: { name: body.name, endpointId: endpoint.id, method: config.method, parallel, runCap: config.run_cap ?? null } },
      ctx,
      tx,
    );
    return row.id;
  });
  return getSweep({ id }, ctxWith(ctx, { at: now }));
}

// ───────────── notes ─────────────

export async function updateSweepNotes(input: { id: string; notes: string; notesVersion: number }, ctx: Ctx<unknown>): Promise<NotesDto> {
  const { id } = input;
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const prisma = ctx.db;
  return prisma.$transaction(async (tx) => {
    const updated = await tx.$queryRaw<{ notes: string; notesVersion: number; updatedAt: Date }[]>`
      UPDATE sweeps SET notes = ${input.notes}, "notesVersion" = "notesVersion" + 1, "updatedAt" = now()
      WHERE id = ${id} AND "notesVersion" = ${input.notesVersion}
      RETURNING notes, "notesVersion", "updatedAt"`;
    if (!updated.length) {
      const cur = await tx.sweep.findUnique({ where: { id }, select: { notesVersion: true } });
      if (!cur) throw new AppError("not_found", `No sweep "${id}".`);
      throw new AppError(
        "conflict",
        `The notes were changed by someone else (version ${cur.notesVersion}, you edited version ${input.notesVersion}). Reload them and apply your edit again.`,
        { issues: [{ path: "notesVersion", message: `stored version is ${cur.notesVersion}` }] },
      );
    }
    await recordAudit({ action: "sweep.notes", targetType: "sweep", targetId: id, detail: { notesVersion: updated[0].notesVersion, length: input.notes.length } }, ctx, tx);
    return { notes: updated[0].notes, notesVersion: updated[0].notesVersion, updatedAt: updated[0].updatedAt.toISOString() };
  });
}

// ───────────── control: pause / resume / stop / cancel ─────────────


/**
 * Changes a sweep's state under its row lock (so it never interleaves with a controller
 * pass). Cancel also cancels the RunPod job of every trial in flight; a cancel call that
 * fails is retried by the controller on its next pass, as are all of them when this process
 * has no usable RunPod client.
 */
export async function controlSweep(input: { id: string; action: SweepAction }, ctx: Ctx<Pick<RunpodClient, "cancel">>): Promise<SweepDetailDto> {
  const { id, action } = input;
  const actor = actorOf(ctx);
  const prisma = ctx.db;
  const now = ctx.now();
  await prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ state: SweepState }[]>`SELECT state::text AS state FROM sweeps WHERE id = ${id} FOR UPDATE`;
      if (!rows.length) throw new AppError("not_found", `No sweep "${id}".`);
      const state = rows[0].state;
      if (!SWEEP_ACTIONS_FROM[action].includes(state)) throw new AppError("conflict", `Cannot ${action} a sweep that is ${state}.`);
      let data: Prisma.SweepUpdateInput;
      if (action === "pause") data = { state: "paused", stateReason: `paused by ${actor.name}; trials in flight go on, no new ones start` };
      else if (action === "resume") {
        const b = await tx.sweep.findUniqueOrThrow({ where: { id }, select: { budgetGpuSeconds: true, budgetUsd: true } });
        if (b.budgetGpuSeconds !== null || b.budgetUsd !== null) {
          const reached = budgetReached({ gpuSeconds: b.budgetGpuSeconds, usd: b.budgetUsd }, (await sweepSpend(tx, id, now)).total);
          if (reached) throw new AppError("conflict", `Cannot resume: the ${reached}. Raise or clear the budget first.`);
        }
        data = { state: "running", stateReason: `resumed by ${actor.name}` };
      }
      else if (action === "stop") {
        const inFlight = await tx.trial.count({ where: { sweepId: id, status: { in: [...SUBMITTED_TRIAL_STATUSES] } } });
        await tx.trial.updateMany({ where: { sweepId: id, status: "pending" }, data: { status: "cancelled", error: "not started: the sweep was stopped", finishedAt: now } });
        data = inFlight
          ? { state: "stopping", stateReason: `stopped by ${actor.name}; waiting for ${inFlight} trial${inFlight === 1 ? "" : "s"} in flight` }
          : { state: "stopped", stateReason: `stopped by ${actor.name}`, finishedAt: now };
      } else {
        await tx.trial.updateMany({ where: { sweepId: id, status: "pending" }, data: { status: "cancelled", error: "cancelled with the sweep", finishedAt: now } });
        data = { state: "cancelled", stateReason: `cancelled by ${actor.name}`, finishedAt: now };
      }
      await tx.sweep.update({ where: { id }, data });
      await recordAudit({ action: `sweep.${action}`, targetType: "sweep", targetId: id, detail: { from: state } }, ctx, tx);
    },
    { timeout: 15_000 },
  );
  if (action === "cancel") {
    const client = runpodIfAny(ctx);
    if (client) await cancelSweepJobs(id, { prisma, client, now });
  }
  return getSweep({ id }, ctxWith(ctx, { at: now }));
}

function runpodIfAny<R>(ctx: Ctx<R>): R | undefined {
  try {
    return ctx.runpod();
  } catch {
    return undefined;
  }
}

/**
 * Cancels the RunPod job of every queued/running trial of a cancelled sweep and marks the
 * trial cancelled. Idempotent; returns how many jobs were cancelled and how many calls failed.
 */
export async function cancelSweepJobs(
  sweepId: string,
  deps: { prisma: Db; client: Pick<RunpodClient, "cancel">; now: Date },
): Promise<{ cancelled: number; failed: number }> {
  const prisma = deps.prisma;
  const trials = await prisma.trial.findMany({
    where: { sweepId, status: { in: [...JOB_TRIAL_STATUSES] }, jobId: { not: null } },
    select: { id: true, jobId: true, sweep: { select: { endpointId: true } } },
  });
  let cancelled = 0;
  let failed = 0;
  for (const t of trials) {
    try {
      await deps.client.cancel(t.sweep.endpointId, t.jobId!);
    } catch (err) {
      // 404: the job is gone already (finished and expired); nothing to cancel.
      if (!(err instanceof RunpodError && err.kind === "not_found")) {
        failed++;
        log.warn("could not cancel a trial's job", { sweepId, trialId: t.id, error: err instanceof Error ? err.message : String(err) });
        continue;
      }
    }
    const r = await prisma.trial.updateMany({
      where: { id: t.id, status: { in: [...JOB_TRIAL_STATUSES] } },
      data: { status: "cancelled", error: "cancelled with the sweep", finishedAt: deps.now },
    });
    cancelled += r.count;
  }
  return { cancelled, failed };
}
