import { getPrisma } from "@/lib/db";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import type { JobDetailDto, JobDto, JobPageDto, JobTransitionDto } from "@/lib/api/specs/jobs";

type Deps = { prisma?: PrismaClient };

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
export async function listJobs(input: ListJobsInput = {}, deps: Deps = {}): Promise<JobPageDto> {
  const prisma = deps.prisma ?? getPrisma();
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
export async function getJob(id: string, deps: Deps = {}): Promise<JobDetailDto | null> {
  const prisma = deps.prisma ?? getPrisma();
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
