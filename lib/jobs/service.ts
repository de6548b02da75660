import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { createLogger } from "@/lib/log";
import { JobStatusDocSchema } from "@/lib/runpod/schemas";
import { EXPIRED, UNKNOWN, isFinalJobStatus, isTerminalJobStatus, normalizeJobStatus } from "@/lib/domain/job/status";
import { RunpodError } from "@/lib/runpod/errors";
import type { RunpodClient } from "@/lib/runpod/client";
import { recordPollError } from "@/lib/data/poll-errors";
import { stableStringify } from "@/lib/endpoints/service";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";

/**
 * Job writes: submit (POST /run + first transition), poll results, webhook updates, tracking
 * a job by id, and expiry. Every status change is one JobTransition, written in the same
 * transaction as the job row under a row lock, so a poll and a webhook arriving together
 * cannot record the same transition twice.
 */

const log = createLogger("jobs-write");

export const JOB_SOURCES = ["sweepwatch", "webhook", "manual", "trial", "smoke", "demo"] as const;
export type JobSourceName = (typeof JOB_SOURCES)[number];


export interface StatusDocInput {
  status: string;
  delayTime?: number | null;
  executionTime?: number | null;
  output?: unknown;
  error?: string | null;
  workerId?: string | null;
}

export interface JobRow {
  id: string;
  endpointId: string;
  status: string;
  source: string;
  submittedAt: Date | null;
  nextPollAt: Date | null;
}

const jobSelect = { id: true, endpointId: true, status: true, source: true, submittedAt: true, nextPollAt: true } as const;

interface LockedJob {
  id: string;
  status: string;
  submittedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  output: unknown;
  error: string | null;
  delayTime: number | null;
  executionTime: number | null;
  workerId: string | null;
}

async function readJob(prisma: PrismaClient, jobId: string): Promise<LockedJob | null> {
  return prisma.job.findUnique({
    where: { id: jobId },
    select: { id: true, status: true, submittedAt: true, startedAt: true, finishedAt: true, output: true, error: true, delayTime: true, executionTime: true, workerId: true },
  });
}

/**
 * Moves a job from `from` to `to` and records the transition in one statement: the UPDATE only
 * matches while the job still has status `from`, and the INSERT only runs when it matched, so two
 * writers (poll and webhook, or two pollers) can never record the same transition twice.
 */
async function casStatus(prisma: PrismaClient, input: { jobId: string; from: string; to: string; at: Date; source: "poll" | "webhook" | "submit" | "expire"; expire?: boolean }): Promise<boolean> {
  const fromForRow = input.from === UNKNOWN ? null : input.from;
  const rows = await prisma.$queryRaw<{ id: bigint }[]>`
    WITH upd AS (
      UPDATE jobs SET status = ${input.to}, "statusChangedAt" = ${input.at}, "updatedAt" = now(),
        "expiredAt" = CASE WHEN ${input.expire ?? false} THEN ${input.at} ELSE "expiredAt" END
      WHERE id = ${input.jobId} AND status = ${input.from}
      RETURNING id
    )
    INSERT INTO job_transitions ("jobId", "fromStatus", "toStatus", source, at)
    SELECT id, ${fromForRow}, ${input.to}, ${input.source}::job_transition_source, ${input.at} FROM upd
    RETURNING id`;
  return rows.length > 0;
}

const sameJson = (a: unknown, b: unknown) => stableStringify(a ?? null) === stableStringify(b ?? null);

/**
 * Applies one status document (from /status, a webhook, or /run) to a stored job.
 * Returns whether the status changed. `nextPollAt` is the caller's schedule (undefined = keep;
 * final statuses always clear it). Plain statements, no interactive transaction: the status change
 * and its transition are one atomic statement (casStatus); the other fields are idempotent updates.
 */
export async function recordJobStatus(
  prisma: PrismaClient,
  input: { jobId: string; doc: StatusDocInput; at: Date; source: "poll" | "webhook" | "submit"; nextPollAt?: Date | null; countPoll?: boolean },
): Promise<{ found: boolean; changed: boolean; fromStatus: string | null; toStatus: string }> {
  const toStatus = normalizeJobStatus(input.doc.status).slice(0, 64);
  let job = await readJob(prisma, input.jobId);
  if (!job) return { found: false, changed: false, fromStatus: null, toStatus };
  let changed = false;
  const fromStatus = job.status;
  if (job.status !== toStatus) {
    changed = await casStatus(prisma, { jobId: input.jobId, from: job.status, to: toStatus, at: input.at, source: input.source });
    if (!changed) {
      // someone else moved it meanwhile: their change stands, ours is applied on top only if still different
      job = await readJob(prisma, input.jobId);
      if (!job) return { found: false, changed: false, fromStatus: null, toStatus };
      if (job.status !== toStatus) changed = await casStatus(prisma, { jobId: input.jobId, from: job.status, to: toStatus, at: input.at, source: input.source });
    }
  }
  const d = input.doc;
  const data: Prisma.JobUpdateManyMutationInput = {};
  if (d.delayTime !== undefined && d.delayTime !== null && d.delayTime !== job.delayTime) data.delayTime = Math.round(d.delayTime);
  if (d.executionTime !== undefined && d.executionTime !== null && d.executionTime !== job.executionTime) data.executionTime = Math.round(d.executionTime);
  if (d.workerId && d.workerId !== job.workerId) data.workerId = d.workerId.slice(0, 128);
  if (d.output !== undefined && !sameJson(d.output, job.output)) data.output = (d.output ?? Prisma.DbNull) as Prisma.InputJsonValue;
  if (d.error !== undefined && d.error !== null && d.error !== job.error) data.error = d.error;
  const delay = d.delayTime ?? job.delayTime;
  const exec = d.executionTime ?? job.executionTime;
  // Prefer RunPod's own timings over our observation time, which lags by up to one poll.
  let startedAt = job.startedAt;
  if (!job.startedAt && (toStatus === "IN_PROGRESS" || isTerminalJobStatus(toStatus)) && (delay !== null || toStatus === "IN_PROGRESS")) {
    startedAt = job.submittedAt && delay !== null ? new Date(job.submittedAt.getTime() + delay) : input.at;
    data.startedAt = startedAt;
  }
  if (!job.finishedAt && isTerminalJobStatus(toStatus)) {
    data.finishedAt = startedAt && exec !== null ? new Date(Math.min(startedAt.getTime() + exec, input.at.getTime())) : input.at;
  }
  if (isFinalJobStatus(toStatus)) data.nextPollAt = null;
  else if (input.nextPollAt !== undefined) data.nextPollAt = input.nextPollAt;
  if (input.countPoll) {
    data.lastPolledAt = input.at;
    data.pollCount = { increment: 1 };
  }
  if (Object.keys(data).length) await prisma.job.updateMany({ where: { id: input.jobId }, data });
  return { found: true, changed, fromStatus, toStatus };
}

/** A 404 for a job we knew: its TTL or result retention passed. Marked EXPIRED (not FAILED), never polled again. */
export async function markJobExpired(prisma: PrismaClient, input: { jobId: string; at: Date }): Promise<boolean> {
  const job = await readJob(prisma, input.jobId);
  if (!job || job.status === EXPIRED) return false;
  const changed = await casStatus(prisma, { jobId: input.jobId, from: job.status, to: EXPIRED, at: input.at, source: "expire", expire: true });
  await prisma.job.updateMany({ where: { id: input.jobId }, data: { nextPollAt: null, lastPolledAt: input.at, pollCount: { increment: 1 } } });
  return changed;
}

/** Moves the next poll of jobs without touching anything else (a poll that failed, a skipped round). */
export async function rescheduleJobs(prisma: PrismaClient, input: { jobIds: string[]; nextPollAt: Date }): Promise<void> {
  if (!input.jobIds.length) return;
  await prisma.job.updateMany({ where: { id: { in: input.jobIds }, nextPollAt: { not: null } }, data: { nextPollAt: input.nextPollAt } });
}

export interface SubmitJobInput {
  endpointId: string;
  input: unknown;
  source?: JobSourceName;
  webhookUrl?: string | null;
  policy?: { executionTimeout?: number; ttl?: number; lowPriority?: boolean };
}

export interface SubmitJobDeps {
  prisma?: PrismaClient;
  client?: Pick<RunpodClient, "run">;
  now?: () => Date;
  pollerId?: string | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Submits one job to RunPod (POST /run) and tracks it: Job row + first transition (source "submit").
 * Bad input → AppError 404/422 with nothing sent. RunPod errors are recorded as a PollError and
 * surface as AppError; an ambiguous failure (timeout, dropped connection, 5xx or garbage after the
 * request was sent) is NOT retried, since the job may already be queued and billed.
 */
export async function submitJob(input: SubmitJobInput, deps: SubmitJobDeps = {}): Promise<JobRow> {
  const prisma = deps.prisma ?? getPrisma();
  const now = deps.now ?? (() => new Date());
  const source = input.source ?? "sweepwatch";
  if (!JOB_SOURCES.includes(source)) {
    throw new AppError("validation_failed", `source must be one of ${JOB_SOURCES.join(", ")}`, { issues: [{ path: "source", message: "unknown source" }] });
  }
  if (!isPlainObject(input.input)) {
    throw new AppError("validation_failed", "input must be a JSON object.", { issues: [{ path: "input", message: "must be a JSON object" }] });
  }
  let webhookUrl: string | null = null;
  if (input.webhookUrl !== undefined && input.webhookUrl !== null && input.webhookUrl !== "") {
    let ok = false;
    try {
      const u = new URL(input.webhookUrl);
      ok = u.protocol === "http:" || u.protocol === "https:";
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError("validation_failed", "webhookUrl must be an http(s) URL.", { issues: [{ path: "webhookUrl", message: "must be an http(s) URL" }] });
    webhookUrl = input.webhookUrl;
  }
  const endpoint = await prisma.endpoint.findUnique({ where: { id: String(input.endpointId) }, select: { id: true } });
  if (!endpoint) throw new AppError("not_found", `Endpoint "${input.endpointId}" is not known to sweepwatch.`);

  const client = deps.client ?? getDefaultRunpodClient();
  let res: { id: string; status: string };
  try {
    res = await client.run(endpoint.id, { input: input.input, ...(webhookUrl ? { webhook: webhookUrl } : {}), ...(input.policy ? { policy: input.policy } : {}) });
  } catch (err) {
    const at = now();
    if (err instanceof RunpodError) {
      await recordPollError(prisma, { endpointId: endpoint.id, pollerId: deps.pollerId ?? null, operation: "submit", httpStatus: err.status, message: err.message, at }).catch(
        (e: unknown) => log.error("could not record a submit error", { error: e }),
      );
      throw submitError(err);
    }
    throw err;
  }
  const at = now();
  const status = normalizeJobStatus(res.status || "IN_QUEUE");
  const final = isFinalJobStatus(status);
  try {
    return await prisma.job.create({
      data: {
        id: res.id,
        endpointId: endpoint.id,
        status,
        source,
        input: input.input as Prisma.InputJsonValue,
        webhookUrl,
        submittedAt: at,
        statusChangedAt: at,
        nextPollAt: final ? null : at,
        transitions: { create: { fromStatus: null, toStatus: status, source: "submit", at } },
      },
      select: jobSelect,
    });
  } catch (err) {
    // RunPod returned an id we already track (e.g. a webhook arrived first): keep that row
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const existing = await prisma.job.findUnique({ where: { id: res.id }, select: jobSelect });
      if (existing) return existing;
    }
    throw err;
  }
}

function submitError(err: RunpodError): AppError {
  // Anything that can happen after the request left (timeout, dropped connection, 5xx, garbage body)
  // means the job may be queued: never resubmit, say so.
  const maybeSent = err.kind === "network" ? !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/.test(err.causeText ?? "") : true;
  switch (err.kind) {
    case "timeout":
    case "server":
    case "malformed":
    case "network":
      if (!maybeSent) return new AppError("unavailable", "RunPod could not be reached; nothing was queued.");
    // falls through
    case "ambiguous":
      return new AppError(
        "unavailable",
        "RunPod did not confirm the submission (timeout, dropped connection or server error after the request was sent). The job may or may not be queued; it was not resubmitted to avoid a duplicate. Check the endpoint's queue before trying again.",
      );
    case "rate_limited":
      return new AppError("rate_limited", "RunPod rate limit reached; try again shortly.", err.retryAfterMs ? { headers: { "Retry-After": String(Math.ceil(err.retryAfterMs / 1000)) } } : {});
    case "not_found":
      return new AppError("not_found", "RunPod does not know this endpoint (or the API key cannot see it).");
    case "bad_request":
      return new AppError("bad_request", `RunPod rejected the job: ${err.problem?.detail ?? err.message}`);
    case "unauthorized":
    case "forbidden":
      return new AppError("unavailable", "sweepwatch's RunPod API key is not allowed to submit jobs to this endpoint.");
    default:
      return new AppError("unavailable", `RunPod is unavailable (${err.kind}); nothing was queued.`);
  }
}

/**
 * Applies a RunPod webhook body (same shape as /status, plus input and webhook) to a job.
 * A job we do not track yet is created (source "webhook") when `endpointId` is given and known.
 * Idempotent: a repeated delivery changes nothing. Bad body → AppError 422; unknown job → 404.
 */
export async function applyWebhookUpdate(
  jobId: string,
  statusDoc: unknown,
  deps: { prisma?: PrismaClient; now?: () => Date; endpointId?: string } = {},
): Promise<{ job: JobRow; changed: boolean }> {
  const prisma = deps.prisma ?? getPrisma();
  const at = (deps.now ?? (() => new Date()))();
  const parsed = JobStatusDocSchema.safeParse(statusDoc);
  if (!parsed.success) {
    throw new AppError("validation_failed", "Webhook body is not a RunPod job status document.", {
      issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
    });
  }
  const doc = parsed.data;
  if (doc.id && doc.id !== jobId) throw new AppError("validation_failed", "Webhook body id does not match the job id.", { issues: [{ path: "id", message: "does not match" }] });
  let job = await prisma.job.findUnique({ where: { id: jobId }, select: jobSelect });
  if (!job) {
    const endpointId = deps.endpointId;
    const endpoint = endpointId ? await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } }) : null;
    if (!endpoint) throw new AppError("not_found", `Job "${jobId}" is not tracked by sweepwatch.`);
    const input = isPlainObject(statusDoc) && "input" in statusDoc ? (statusDoc.input as Prisma.InputJsonValue) : undefined;
    await prisma.job.createMany({
      data: [{ id: jobId, endpointId: endpoint.id, status: UNKNOWN, source: "webhook", input, statusChangedAt: at, nextPollAt: at }],
      skipDuplicates: true,
    });
  }
  const r = await recordJobStatus(prisma, { jobId, doc, at, source: "webhook" });
  job = await prisma.job.findUniqueOrThrow({ where: { id: jobId }, select: jobSelect });
  return { job, changed: r.changed };
}

/** Starts tracking an existing RunPod job by id (source "manual"); the poller fills in its status. Idempotent. */
export async function trackJob(
  endpointId: string,
  jobId: string,
  deps: { prisma?: PrismaClient; now?: () => Date; source?: JobSourceName } = {},
): Promise<JobRow> {
  const prisma = deps.prisma ?? getPrisma();
  const at = (deps.now ?? (() => new Date()))();
  if (typeof jobId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(jobId)) {
    throw new AppError("validation_failed", "Job id must be 1-128 letters, digits, '-', '_', '.' or ':'.", { issues: [{ path: "jobId", message: "invalid job id" }] });
  }
  const existing = await prisma.job.findUnique({ where: { id: jobId }, select: jobSelect });
  if (existing) {
    if (existing.endpointId !== endpointId) throw new AppError("conflict", `Job "${jobId}" is already tracked on endpoint "${existing.endpointId}".`);
    return existing;
  }
  const endpoint = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
  if (!endpoint) throw new AppError("not_found", `Endpoint "${endpointId}" is not known to sweepwatch.`);
  await prisma.job.createMany({
    data: [{ id: jobId, endpointId, status: UNKNOWN, source: deps.source ?? "manual", statusChangedAt: at, nextPollAt: at }],
    skipDuplicates: true,
  });
  return prisma.job.findUniqueOrThrow({ where: { id: jobId }, select: jobSelect });
}
