import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { RuleParamSchemas } from "@/lib/domain/criteria/rules";
import { checkSmokeOutput, DEMO_SMOKE, validateSmokeExpect } from "@/lib/domain/criteria/smoke-check";
import { deploymentOf } from "@/lib/domain/criteria/deployment";
import { AppError } from "@/lib/http/errors";
import { isFinalJobStatus, isTerminalJobStatus } from "@/lib/domain/job/status";

/**
 * Service of smoke jobs (rules, submission; their few queries stay inline). Called only within
 * lib/criteria (service.ts for the routes, modules.ts for the poller), so its functions take the
 * database client first rather than a context.
 *
 * Smoke jobs are opt-in per endpoint: a user sets Endpoint.smokeOptIn with the input to send and the
 * expected-output check (Endpoint.smokeInput / smokeExpect, see docs/criteria.md "handler contract").
 * Nothing is ever sent to an endpoint that is not opted in, whatever criteria exist. sweepwatch then
 * submits the input on a schedule and whenever a new deployment shows up, and records each attempt as a
 * SmokeRun linked to its Job; syncSmokeRuns copies the outcome (COMPLETED and the output check) onto it.
 */

export type SmokeTrigger = "schedule" | "new_image" | "manual";

/** Submits one job and returns RunPod's id and first status (the poller module passes submitJob). */
export type SmokeSubmitter = (endpointId: string, input: Record<string, unknown>) => Promise<{ id: string; status: string }>;

export interface SmokeConfig {
  input: Record<string, unknown>;
  expect: Record<string, unknown> | null;
  everyMinutes: number;
}

const SUBMITTING = "SUBMITTING";
const SUBMIT_FAILED = "SUBMIT_FAILED";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The smoke configuration of each opted-in, unpaused endpoint with an input. The schedule comes from a
 * smoke_job_passed criterion scoped to the endpoint, else the all-endpoints one, else 60 min.
 */
export async function resolveSmokeConfigs(prisma: PrismaClient, endpointIds: string[]): Promise<Map<string, SmokeConfig>> {
  const out = new Map<string, SmokeConfig>();
  if (!endpointIds.length) return out;
  const [criteria, endpoints] = await Promise.all([
    prisma.criterion.findMany({
      where: { enabled: true, rule: "smoke_job_passed", OR: [{ endpointId: null }, { endpointId: { in: endpointIds } }] },
      orderBy: { id: "asc" },
      select: { endpointId: true, params: true },
    }),
    prisma.endpoint.findMany({ where: { id: { in: endpointIds }, smokeOptIn: true, paused: false }, select: { id: true, smokeInput: true, smokeExpect: true } }),
  ]);
  const parse = (p: unknown) => {
    const r = RuleParamSchemas.smoke_job_passed.safeParse(p ?? {});
    return r.success ? r.data : null;
  };
  const global = criteria.filter((c) => c.endpointId === null).map((c) => parse(c.params)).find(Boolean) ?? null;
  for (const e of endpoints) {
    if (!isPlainObject(e.smokeInput)) continue;
    const scoped = criteria.filter((c) => c.endpointId === e.id).map((c) => parse(c.params)).find(Boolean) ?? null;
    const everyMinutes = (scoped ?? global)?.everyMinutes ?? RuleParamSchemas.smoke_job_passed.parse({}).everyMinutes;
    out.set(e.id, { input: e.smokeInput, expect: isPlainObject(e.smokeExpect) ? e.smokeExpect : null, everyMinutes });
  }
  return out;
}

export interface SmokeSettingsInput {
  optIn: boolean;
  input?: Record<string, unknown> | null;
  expect?: Record<string, unknown> | null;
}

export async function getSmokeSettings(prisma: PrismaClient, endpointId: string): Promise<{ endpointId: string; optIn: boolean; input: Record<string, unknown> | null; expect: Record<string, unknown> | null }> {
  const e = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, smokeOptIn: true, smokeInput: true, smokeExpect: true } });
  if (!e) throw new AppError("not_found", `Endpoint "${endpointId}" is not known to sweepwatch.`);
  return { endpointId, optIn: e.smokeOptIn, input: isPlainObject(e.smokeInput) ? e.smokeInput : null, expect: isPlainObject(e.smokeExpect) ? e.smokeExpect : null };
}

/** Opts an endpoint in to (or out of) smoke jobs with its input and expected-output check; audited by the caller. */
export async function setSmokeSettings(prisma: PrismaClient, endpointId: string, s: SmokeSettingsInput): Promise<{ endpointId: string; optIn: boolean; input: Record<string, unknown> | null; expect: Record<string, unknown> | null }> {
  const e = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, smokeInput: true, smokeExpect: true } });
  if (!e) throw new AppError("not_found", `Endpoint "${endpointId}" is not known to sweepwatch.`);
  const input = s.input !== undefined ? s.input : isPlainObject(e.smokeInput) ? e.smokeInput : null;
  const expect = s.expect !== undefined ? s.expect : isPlainObject(e.smokeExpect) ? e.smokeExpect : null;
  if (s.optIn && !input) throw new AppError("validation_failed", "Opting in needs the input to send.", { issues: [{ path: "body.input", message: "required to opt in" }] });
  if (expect) {
    const bad = validateSmokeExpect(expect);
    if (bad) throw new AppError("validation_failed", "Invalid expected-output check.", { issues: [{ path: "body.expect", message: bad }] });
  }
  await prisma.endpoint.update({
    where: { id: endpointId },
    data: { smokeOptIn: s.optIn, smokeInput: input ? (input as Prisma.InputJsonValue) : Prisma.DbNull, smokeExpect: expect ? (expect as Prisma.InputJsonValue) : Prisma.DbNull },
  });
  return { endpointId, optIn: s.optIn, input, expect };
}

/** Demo mode: the simulator's endpoints that nobody configured opt in with the Branin check (the handler the simulator runs). */
export async function optInDemoEndpoints(prisma: PrismaClient, endpointIds: string[]): Promise<number> {
  if (!endpointIds.length) return 0;
  const r = await prisma.endpoint.updateMany({
    where: { id: { in: endpointIds }, smokeOptIn: false, smokeInput: { equals: Prisma.DbNull } },
    data: { smokeOptIn: true, smokeInput: DEMO_SMOKE.input as unknown as Prisma.InputJsonValue, smokeExpect: DEMO_SMOKE.expect as unknown as Prisma.InputJsonValue },
  });
  return r.count;
}

/** The deployment the endpoint runs now: the most recently started worker's (version, else image), else the endpoint's configured image. */
export async function getCurrentDeployment(prisma: PrismaClient, endpointId: string): Promise<{ key: string; label: string; image: string | null } | null> {
  const [w, e] = await Promise.all([
    prisma.worker.findFirst({
      where: { endpointId, OR: [{ image: { not: null } }, { version: { not: null } }] },
      orderBy: [{ startedAt: { sort: "desc", nulls: "last" } }, { firstSeenAt: "desc" }],
      select: { image: true, version: true },
    }),
    prisma.endpoint.findUnique({ where: { id: endpointId }, select: { image: true } }),
  ]);
  const d = w ? deploymentOf(w) : e?.image ? deploymentOf({ version: null, image: e.image }) : null;
  return d ? { ...d, image: w?.image ?? e?.image ?? null } : null;
}

/** Records a SmokeRun, submits the job and links it. A refused submission is recorded as SUBMIT_FAILED (ok = false). */
export async function submitSmokeRun(
  prisma: PrismaClient,
  input: { endpointId: string; image: string | null; deployment: string | null; trigger: SmokeTrigger; input: Record<string, unknown>; now: Date },
  submit: SmokeSubmitter,
): Promise<{ id: string; jobId: string | null; status: string }> {
  // The row comes first so that a crash between /run and the insert leaves a trace, not a silent job.
  const run = await prisma.smokeRun.create({
    data: { endpointId: input.endpointId, image: input.image, deployment: input.deployment, trigger: input.trigger, status: SUBMITTING, submittedAt: input.now },
  });
  try {
    const job = await submit(input.endpointId, input.input);
    const final = isTerminalJobStatus(job.status);
    const updated = await prisma.smokeRun.update({
      where: { id: run.id },
      data: { jobId: job.id, status: job.status, ...(final ? { ok: job.status === "COMPLETED", finishedAt: input.now } : {}) },
    });
    return { id: String(updated.id), jobId: updated.jobId, status: updated.status };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await prisma.smokeRun.update({ where: { id: run.id }, data: { status: SUBMIT_FAILED, ok: false, error: message.slice(0, 2000), finishedAt: input.now } });
    return { id: String(run.id), jobId: null, status: SUBMIT_FAILED };
  }
}

export interface ScheduleSmokeResult {
  submitted: { endpointId: string; trigger: SmokeTrigger; runId: string; jobId: string | null }[];
}

/**
 * Submits a smoke job where one is due: a new image that has no smoke run yet (trigger new_image),
 * or the last run older than everyMinutes (trigger schedule). While a run is still in flight on the
 * same image nothing is scheduled, so a crash-looping endpoint does not pile up smoke jobs.
 */
export async function scheduleSmokeRuns(
  prisma: PrismaClient,
  opts: { endpointIds: string[]; now: Date; submit: SmokeSubmitter },
): Promise<ScheduleSmokeResult> {
  const configs = await resolveSmokeConfigs(prisma, opts.endpointIds);
  const result: ScheduleSmokeResult = { submitted: [] };
  for (const [endpointId, cfg] of configs) {
    const d = await getCurrentDeployment(prisma, endpointId);
    if (!d) continue; // nothing to test yet: no worker and no configured image
    const [latest, onImage] = await Promise.all([
      prisma.smokeRun.findFirst({ where: { endpointId }, orderBy: [{ submittedAt: "desc" }, { id: "desc" }] }),
      prisma.smokeRun.findFirst({ where: { endpointId, deployment: d.key }, orderBy: [{ submittedAt: "desc" }, { id: "desc" }], select: { id: true } }),
    ]);
    let trigger: SmokeTrigger | null = null;
    if (!onImage) trigger = "new_image";
    else if (latest && latest.finishedAt === null) trigger = null;
    else if (!latest || opts.now.getTime() - latest.submittedAt.getTime() >= cfg.everyMinutes * 60_000) trigger = "schedule";
    if (!trigger) continue;
    const run = await submitSmokeRun(prisma, { endpointId, image: d.image, deployment: d.key, trigger, input: cfg.input, now: opts.now }, opts.submit);
    result.submitted.push({ endpointId, trigger, runId: run.id, jobId: run.jobId });
  }
  return result;
}

/**
 * Copies each unfinished smoke run's Job status onto it; a terminal job finishes the run
 * (ok = COMPLETED and the output passes the endpoint's expected-output check). EXPIRED (RunPod forgot the job, e.g. its TTL passed in the queue) counts as not ok.
 */
export async function syncSmokeRuns(prisma: PrismaClient, opts: { endpointIds?: string[]; now: Date }): Promise<number> {
  const open = await prisma.smokeRun.findMany({
    where: { finishedAt: null, jobId: { not: null }, ...(opts.endpointIds ? { endpointId: { in: opts.endpointIds } } : {}) },
    orderBy: { id: "asc" },
    take: 500,
    select: { id: true, status: true, endpoint: { select: { smokeExpect: true } }, job: { select: { status: true, finishedAt: true, error: true, output: true } } },
  });
  let changed = 0;
  for (const r of open) {
    if (!r.job) continue;
    const status = r.job.status;
    const final = isFinalJobStatus(status);
    if (!final && status === r.status) continue;
    const mismatch = final && status === "COMPLETED" ? checkSmokeOutput(r.endpoint.smokeExpect, r.job.output) : null;
    await prisma.smokeRun.update({
      where: { id: r.id },
      data: final
        ? {
            status,
            ok: status === "COMPLETED" && mismatch === null,
            finishedAt: r.job.finishedAt ?? opts.now,
            error: status === "COMPLETED" ? (mismatch ? `output check failed: ${mismatch}`.slice(0, 2000) : null) : (r.job.error?.slice(0, 2000) ?? null),
          }
        : { status },
    });
    changed++;
  }
  return changed;
}

export interface SmokeRunDto {
  id: string;
  endpointId: string;
  image: string | null;
  deployment: string | null;
  jobId: string | null;
  trigger: string;
  status: string;
  ok: boolean | null;
  error: string | null;
  submittedAt: string;
  finishedAt: string | null;
}

/** Recent smoke runs, newest first. */
export async function listSmokeRuns(prisma: PrismaClient, opts: { endpointId?: string; limit?: number } = {}): Promise<SmokeRunDto[]> {
  const rows = await prisma.smokeRun.findMany({
    where: opts.endpointId ? { endpointId: opts.endpointId } : {},
    orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
    take: Math.min(opts.limit ?? 20, 200),
  });
  return rows.map((r) => ({
    id: String(r.id),
    endpointId: r.endpointId,
    image: r.image,
    deployment: r.deployment,
    jobId: r.jobId,
    trigger: r.trigger,
    status: r.status,
    ok: r.ok,
    error: r.error,
    submittedAt: r.submittedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

/** A smoke job on demand (trigger "manual"), with the endpoint's configured input; 404/409 when it cannot run. */
export async function runSmokeNow(prisma: PrismaClient, endpointId: string, now: Date, submit: SmokeSubmitter): Promise<SmokeRunDto> {
  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, paused: true } });
  if (!endpoint) throw new AppError("not_found", `Endpoint "${endpointId}" is not known to sweepwatch.`);
  if (endpoint.paused) throw new AppError("conflict", `Endpoint "${endpointId}" is paused.`);
  const cfg = (await resolveSmokeConfigs(prisma, [endpointId])).get(endpointId);
  if (!cfg) throw new AppError("conflict", `"${endpointId}" is not opted in to smoke jobs: opt it in with an input and an expected-output check first.`);
  const d = await getCurrentDeployment(prisma, endpointId);
  const run = await submitSmokeRun(prisma, { endpointId, image: d?.image ?? null, deployment: d?.key ?? null, trigger: "manual", input: cfg.input, now }, submit);
  return (await listSmokeRuns(prisma, { endpointId, limit: 5 })).find((r) => r.id === run.id)!;
}
