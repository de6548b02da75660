import { AppError } from "@/lib/http/errors";
import { JobSource } from "@/lib/generated/prisma/enums";
import { endpointExists } from "@/lib/endpoints/repository";
import { createLogger } from "@/lib/log";
import { actorOf, type Ctx } from "@/lib/ctx";
import { recordAudit } from "@/lib/data/audit";
import { JobStatusDocSchema } from "@/lib/runpod/schemas";
import { isFinalJobStatus, normalizeJobStatus } from "@/lib/domain/job/status";
import { RunpodError } from "@/lib/runpod/errors";
import type { RunpodClient } from "@/lib/runpod/client";
import { recordPollError } from "@/lib/data/poll-errors";
import { findTrackedJob, insertSubmittedJob, insertUntrackedJob, recordJobStatus, type TrackedJob } from "@/lib/jobs/repository";

/**
 * The jobs service: submit (validation, POST /run, then the row), webhook updates and tracking a job
 * by id. Prisma work is in repository.ts; every exported function takes (input, ctx).
 */

const log = createLogger("jobs-write");

/** Who submitted or found a job: the database enum's values (prisma/schema.prisma JobSource). */
const JOB_SOURCES: readonly string[] = Object.values(JobSource);


export interface SubmitJobInput {
  endpointId: string;
  input: unknown;
  source?: JobSource;
  webhookUrl?: string | null;
  policy?: { executionTimeout?: number; ttl?: number; lowPriority?: boolean };
  /** The poller submitting (demo traffic, smoke jobs), recorded on a RunPod error. */
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
export async function submitJob(input: SubmitJobInput, ctx: Ctx<Pick<RunpodClient, "run">>): Promise<TrackedJob> {
  const prisma = ctx.db;
  const now = ctx.now;
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
  const endpoint = { id: String(input.endpointId) };
  if (!(await endpointExists(endpoint, ctx))) throw new AppError("not_found", `Endpoint "${input.endpointId}" is not known to sweepwatch.`);

  const client = ctx.runpod();
  let res: { id: string; status: string };
  try {
    res = await client.run(endpoint.id, { input: input.input, ...(webhookUrl ? { webhook: webhookUrl } : {}), ...(input.policy ? { policy: input.policy } : {}) });
  } catch (err) {
    const at = now();
    if (err instanceof RunpodError) {
      await recordPollError(prisma, { endpointId: endpoint.id, pollerId: input.pollerId ?? null, operation: "submit", httpStatus: err.status, message: err.message, at }).catch(
        (e: unknown) => log.error("could not record a submit error", { error: e }),
      );
      throw submitError(err);
    }
    throw err;
  }
  const at = now();
  const status = normalizeJobStatus(res.status || "IN_QUEUE");
  return insertSubmittedJob(prisma, { id: res.id, endpointId: endpoint.id, status, final: isFinalJobStatus(status), source, input: input.input, webhookUrl, at });
}

/** A job a person (or API token) submits through the API: submitted as "sweepwatch" and audited as theirs. */
export async function submitJobFor(input: Omit<SubmitJobInput, "source" | "pollerId">, ctx: Ctx<Pick<RunpodClient, "run">>): Promise<TrackedJob> {
  actorOf(ctx); // refuse before the job reaches RunPod: its audit entry needs the principal
  const row = await submitJob({ ...input, source: "sweepwatch" }, ctx);
  await recordAudit({ action: "job.submit", targetType: "job", targetId: row.id, detail: { endpointId: row.endpointId } }, ctx);
  return row;
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
export async function applyWebhookUpdate(input: { jobId: string; statusDoc: unknown; endpointId?: string }, ctx: Ctx<unknown>): Promise<{ job: TrackedJob; changed: boolean }> {
  const { jobId, statusDoc } = input;
  const prisma = ctx.db;
  const at = ctx.now();
  const parsed = JobStatusDocSchema.safeParse(statusDoc);
  if (!parsed.success) {
    throw new AppError("validation_failed", "Webhook body is not a RunPod job status document.", {
      issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
    });
  }
  const doc = parsed.data;
  if (doc.id && doc.id !== jobId) throw new AppError("validation_failed", "Webhook body id does not match the job id.", { issues: [{ path: "id", message: "does not match" }] });
  if (!(await findTrackedJob(prisma, jobId))) {
    const endpoint = input.endpointId ? { id: input.endpointId } : null;
    if (!endpoint || !(await endpointExists(endpoint, ctx))) throw new AppError("not_found", `Job "${jobId}" is not tracked by sweepwatch.`);
    const jobInput = isPlainObject(statusDoc) && "input" in statusDoc ? statusDoc.input : undefined;
    await insertUntrackedJob(prisma, { id: jobId, endpointId: endpoint.id, source: "webhook", input: jobInput, at });
  }
  const r = await recordJobStatus({ jobId, doc, at, source: "webhook" }, ctx);
  return { job: (await findTrackedJob(prisma, jobId))!, changed: r.changed };
}

/** Starts tracking an existing RunPod job by id (source "manual"); the poller fills in its status. Idempotent. */
export async function trackJob(input: { endpointId: string; jobId: string; source?: JobSource }, ctx: Ctx<unknown>): Promise<TrackedJob> {
  const { endpointId, jobId } = input;
  const prisma = ctx.db;
  const at = ctx.now();
  if (typeof jobId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(jobId)) {
    throw new AppError("validation_failed", "Job id must be 1-128 letters, digits, '-', '_', '.' or ':'.", { issues: [{ path: "jobId", message: "invalid job id" }] });
  }
  const existing = await findTrackedJob(prisma, jobId);
  if (existing) {
    if (existing.endpointId !== endpointId) throw new AppError("conflict", `Job "${jobId}" is already tracked on endpoint "${existing.endpointId}".`);
    return existing;
  }
  if (!(await endpointExists({ id: endpointId }, ctx))) throw new AppError("not_found", `Endpoint "${endpointId}" is not known to sweepwatch.`);
  await insertUntrackedJob(prisma, { id: jobId, endpointId, source: input.source ?? "manual", at });
  return (await findTrackedJob(prisma, jobId))!;
}
