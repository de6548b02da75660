import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { JobSource } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/http/errors";
import type { Ctx } from "@/lib/ctx";
import type { JobDetailDto, JobDto, JobPageDto, JobTransitionDto } from "@/lib/api/specs/jobs";
import { EXPIRED, UNKNOWN, isFinalJobStatus, isTerminalJobStatus, normalizeJobStatus } from "@/lib/domain/job/status";
import { stableStringify } from "@/lib/endpoints/service";

/**
 * The jobs repository: Prisma reads and writes of jobs and their transitions, and row-to-DTO mapping.
 * Every status change is one JobTransition written by one compare-and-set statement, so a poll and a
 * webhook arriving together cannot record the same transition twice. Rules and RunPod calls: service.ts.
 */

const jobSelect = {
  id: true,
  endpointId: true,
  status: true,
  source: true,
  submittedAt: true,
  startedAt: true,
  finishedAt: true,
  statusChangedAt: true,
  createdAt: true,
  delayTime: true,
  executionTime: true,
  workerId: true,
  error: true,
  verdict: true,
  flag: true,
} as const;

type JobRow = Prisma.JobGetPayload<{ select: typeof jobSelect }>;

/** Long error texts (tracebacks) are cut in lists; GET /api/jobs/{id} has the full text. */
const LIST_ERROR_CHARS = 2000;

function toJobDto(j: JobRow, history: JobTransitionDto[], opts: { fullError?: boolean } = {}): JobDto {
  return {
    id: j.id,
    endpointId: j.endpointId,
    status: j.status,
    source: j.source,
    submittedAt: j.submittedAt?.toISOString() ?? null,
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    statusChangedAt: j.statusChangedAt.toISOString(),
    createdAt: j.createdAt.toISOString(),
    delayTime: j.delayTime,
    executionTime: j.executionTime,
    workerId: j.workerId,
    error: j.error === null ? null : opts.fullError || j.error.length <= LIST_ERROR_CHARS ? j.error : `${j.error.slice(0, LIST_ERROR_CHARS)}…`,
    verdict: j.verdict,
    flag: j.flag,
    history,
  };
}

async function loadHistory(prisma: PrismaClient, jobIds: string[]): Promise<Map<string, JobTransitionDto[]>> {
  const out = new Map<string, JobTransitionDto[]>();
  if (!jobIds.length) return out;
  const rows = await prisma.jobTransition.findMany({
    where: { jobId: { in: jobIds } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { jobId: true, fromStatus: true, toStatus: true, at: true, source: true },
  });
  for (const r of rows) {
    const list = out.get(r.jobId) ?? [];
    list.push({ from: r.fromStatus, to: r.toStatus, at: r.at.toISOString(), source: r.source });
    out.set(r.jobId, list);
  }
  return out;
}

export function encodeJobCursor(j: { createdAt: Date | string; id: string }): string {
  const at = typeof j.createdAt === "string" ? j.createdAt : j.createdAt.toISOString();
  return Buffer.from(JSON.stringify([at, j.id]), "utf8").toString("base64url");
}

export function decodeJobCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") {
      const d = new Date(v[0]);
      if (!Number.isNaN(d.getTime())) return { createdAt: d, id: v[1] };
    }
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "Invalid cursor.", { issues: [{ path: "query.cursor", message: "is not a cursor from a previous answer" }] });
}

export interface ListJobsInput {
  endpointId?: string;
  status?: string[];
  flagged?: boolean;
  cursor?: string;
  limit?: number;
}

/** Tracked jobs, newest first (createdAt, id), keyset-paginated, each with its status history. */
export async function listJobs(input: ListJobsInput, ctx: Ctx<unknown>): Promise<JobPageDto> {
  const prisma = ctx.db;
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const where: Prisma.JobWhereInput = {};
  if (input.endpointId) where.endpointId = input.endpointId;
  if (input.status?.length) where.status = { in: input.status };
  if (input.flagged !== undefined) where.flag = input.flagged ? { not: null } : null;
  if (input.cursor) {
    const c = decodeJobCursor(input.cursor);
    where.OR = [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }];
  }
  const rows = await prisma.job.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1, select: jobSelect });
  const page = rows.slice(0, limit);
  const history = await loadHistory(
    prisma,
    page.map((j) => j.id),
  );
  return {
    jobs: page.map((j) => toJobDto(j, history.get(j.id) ?? [])),
    nextCursor: rows.length > limit ? encodeJobCursor(page[page.length - 1]) : null,
  };
}

/** One job with input, output and verdict detail; null when not tracked. */
export async function getJob(input: { id: string }, ctx: Ctx<unknown>): Promise<JobDetailDto | null> {
  const { id } = input;
  const prisma = ctx.db;
  const j = await prisma.job.findUnique({
    where: { id },
    select: { ...jobSelect, input: true, output: true, verdictDetail: true, verdictAt: true, lastPolledAt: true, nextPollAt: true, expiredAt: true, pollCount: true },
  });
  if (!j) return null;
  const history = await loadHistory(prisma, [id]);
  return {
    ...toJobDto(j, history.get(id) ?? [], { fullError: true }),
    input: j.input ?? null,
    output: j.output ?? null,
    verdictDetail: j.verdictDetail ?? null,
    verdictAt: j.verdictAt?.toISOString() ?? null,
    lastPolledAt: j.lastPolledAt?.toISOString() ?? null,
    nextPollAt: j.nextPollAt?.toISOString() ?? null,
    expiredAt: j.expiredAt?.toISOString() ?? null,
    pollCount: j.pollCount,
  };
}

// ---- status writes (poll results, webhooks, expiry) ----

export interface StatusDocInput {
  status: string;
  delayTime?: number | null;
  executionTime?: number | null;
  output?: unknown;
  error?: string | null;
  workerId?: string | null;
}

export interface TrackedJob {
  id: string;
  endpointId: string;
  status: string;
  source: string;
  submittedAt: Date | null;
  nextPollAt: Date | null;
}

const trackedJobSelect = { id: true, endpointId: true, status: true, source: true, submittedAt: true, nextPollAt: true } as const;

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
  input: { jobId: string; doc: StatusDocInput; at: Date; source: "poll" | "webhook" | "submit"; nextPollAt?: Date | null; countPoll?: boolean },
  ctx: Ctx<unknown>,
): Promise<{ found: boolean; changed: boolean; fromStatus: string | null; toStatus: string }> {
  const prisma = ctx.db;
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
export async function markJobExpired(input: { jobId: string; at: Date }, ctx: Ctx<unknown>): Promise<boolean> {
  const prisma = ctx.db;
  const job = await readJob(prisma, input.jobId);
  if (!job || job.status === EXPIRED) return false;
  const changed = await casStatus(prisma, { jobId: input.jobId, from: job.status, to: EXPIRED, at: input.at, source: "expire", expire: true });
  await prisma.job.updateMany({ where: { id: input.jobId }, data: { nextPollAt: null, lastPolledAt: input.at, pollCount: { increment: 1 } } });
  return changed;
}

/** Moves the next poll of jobs without touching anything else (a poll that failed, a skipped round). */
export async function rescheduleJobs(input: { jobIds: string[]; nextPollAt: Date }, ctx: Ctx<unknown>): Promise<void> {
  if (!input.jobIds.length) return;
  await ctx.db.job.updateMany({ where: { id: { in: input.jobIds }, nextPollAt: { not: null } }, data: { nextPollAt: input.nextPollAt } });
}

export async function findTrackedJob(db: PrismaClient, id: string): Promise<TrackedJob | null> {
  return db.job.findUnique({ where: { id }, select: trackedJobSelect });
}

/** The row of a job RunPod accepted, with its first transition (source "submit"). */
export async function insertSubmittedJob(
  db: PrismaClient,
  j: { id: string; endpointId: string; status: string; final: boolean; source: JobSource; input: unknown; webhookUrl: string | null; at: Date },
): Promise<TrackedJob> {
  try {
    return await db.job.create({
      data: {
        id: j.id,
        endpointId: j.endpointId,
        status: j.status,
        source: j.source,
        input: j.input as Prisma.InputJsonValue,
        webhookUrl: j.webhookUrl,
        submittedAt: j.at,
        statusChangedAt: j.at,
        nextPollAt: j.final ? null : j.at,
        transitions: { create: { fromStatus: null, toStatus: j.status, source: "submit", at: j.at } },
      },
      select: trackedJobSelect,
    });
  } catch (err) {
    // RunPod returned an id we already track (e.g. a webhook arrived first): keep that row
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const existing = await findTrackedJob(db, j.id);
      if (existing) return existing;
    }
    throw err;
  }
}

/** A job known only by id (tracked by hand, or first seen in a webhook): status UNKNOWN until polled. */
export async function insertUntrackedJob(db: PrismaClient, j: { id: string; endpointId: string; source: JobSource; input?: unknown; at: Date }): Promise<void> {
  await db.job.createMany({
    data: [{ id: j.id, endpointId: j.endpointId, status: UNKNOWN, source: j.source, input: j.input as Prisma.InputJsonValue | undefined, statusChangedAt: j.at, nextPollAt: j.at }],
    skipDuplicates: true,
  });
}
