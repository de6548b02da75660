import { Prisma, type PrismaClient } from "@/lib/db";
import type { Ctx } from "@/lib/ctx";
import { csvRecord } from "@/lib/data/csv";
import { CRASH_LOOP_FLAG } from "@/lib/domain/crash/verdict";
import { WAITING_JOB_STATUSES } from "@/lib/domain/job/status";
import { AppError } from "@/lib/http/errors";
import { createLogger } from "@/lib/log";
import { isActiveSweepState, expandSearchSpace, flattenParameters, parseSweepConfigOrThrow } from "@/lib/domain/sweep";
import type {
  BestTrialDto,
  ListTrialsQuery,
  SweepAnalysisDto,
  SweepDetailDto,
  SweepEtaDto,
  SweepFlagDto,
  SweepListDto,
  SweepProgressDto,
  SweepState,
  SweepSummaryDto,
  TrialDto,
  TrialPageDto,
  TrialStatusName,
  TrialSort,
} from "@/lib/api/specs/sweeps";
import { buildDimensions, buildSlices, flattenTrialParams, parameterImportance, paramPaths } from "@/lib/sweeps/analysis";

/**
 * Repository: sweep and trial queries for the API and the UI, mapped to DTOs (the rules,
 * audit and RunPod calls are in lib/sweeps/service.ts; the controller's writes in
 * lib/sweeps/controller.ts, which owns the exactly-once submission protocol).
 * Reads go through narrow selects or raw SQL and return DTOs; everything that can
 * touch 100,000 trials is keyset-paginated, aggregated in SQL or sampled.
 */

const log = createLogger("sweeps");

/** Prefix of Trial.error for a submission whose outcome is unknown (never resubmitted, not a failure of the trial). */
export const UNKNOWN_SUBMISSION = "submission outcome unknown";

type Db = PrismaClient | Prisma.TransactionClient;

// ───────────── reads ─────────────

const sweepSelect = {
  id: true,
  name: true,
  endpointId: true,
  method: true,
  config: true,
  configText: true,
  metricName: true,
  metricGoal: true,
  metricTarget: true,
  metricPath: true,
  runCap: true,
  parallel: true,
  failedBudget: true,
  failedCount: true,
  budgetGpuSeconds: true,
  budgetUsd: true,
  inputTemplate: true,
  seed: true,
  state: true,
  stateReason: true,
  createdBy: true,
  startedAt: true,
  finishedAt: true,
  bestTrialId: true,
  bestValue: true,
  notes: true,
  notesVersion: true,
  createdAt: true,
  updatedAt: true,
  endpoint: { select: { name: true, displayName: true } },
} as const;

type SweepRow = Prisma.SweepGetPayload<{ select: typeof sweepSelect }>;

interface Counts {
  byStatus: Map<string, number>;
  retries: number;
  unknown: number;
  /** Grid sweeps: status counts of the latest attempt of each grid point (expired/cancelled rows left out). */
  latest?: Map<string, number>;
}

async function countTrials(db: Db, sweeps: { id: string; method: string }[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (!sweeps.length) return out;
  const ids = sweeps.map((s) => s.id);
  // Grouped on the indexed columns only, so PostgreSQL answers from the (sweepId, status) index.
  const rows = await db.$queryRaw<{ sweepId: string; status: string; n: number }[]>`
    SELECT "sweepId", status::text AS status, n FROM (
      SELECT "sweepId", status, count(*)::int AS n FROM trials WHERE "sweepId" = ANY(${ids}::text[]) GROUP BY "sweepId", status
    ) c`;
  for (const r of rows) {
    const c: Counts = out.get(r.sweepId) ?? { byStatus: new Map(), retries: 0, unknown: 0 };
    c.byStatus.set(r.status, r.n);
    out.set(r.sweepId, c);
  }
  const withFailed = ids.filter((id) => (out.get(id)?.byStatus.get("failed") ?? 0) > 0);
  if (withFailed.length) {
    const unknown = await db.$queryRaw<{ sweepId: string; n: number }[]>`
      SELECT "sweepId", count(*)::int AS n FROM trials
      WHERE "sweepId" = ANY(${withFailed}::text[]) AND status = 'failed' AND "jobId" IS NULL AND error LIKE ${UNKNOWN_SUBMISSION + "%"}
      GROUP BY 1`;
    for (const u of unknown) out.get(u.sweepId)!.unknown = u.n;
    // Retries exist only after failures.
    const retries = await db.$queryRaw<{ sweepId: string; n: number }[]>`
      SELECT "sweepId", count(*)::int AS n FROM trials WHERE "sweepId" = ANY(${withFailed}::text[]) AND attempt > 1 GROUP BY 1`;
    for (const r of retries) out.get(r.sweepId)!.retries = r.n;
  }
  // A grid counts grid points: a point retried five times is one point, in its latest attempt's state.
  const repeated = ids.filter((id) => {
    const c = out.get(id);
    return sweeps.find((s) => s.id === id)?.method === "grid" && c && (c.retries > 0 || (c.byStatus.get("expired") ?? 0) > 0);
  });
  if (repeated.length) {
    const latest = await db.$queryRaw<{ sweepId: string; status: string; n: number }[]>`
      SELECT "sweepId", status, count(*)::int AS n FROM (
        SELECT DISTINCT ON ("sweepId", params) "sweepId", status::text AS status FROM trials
        WHERE "sweepId" = ANY(${repeated}::text[]) AND status NOT IN ('expired', 'cancelled')
        ORDER BY "sweepId", params, number DESC
      ) x GROUP BY 1, 2`;
    for (const r of latest) {
      const c = out.get(r.sweepId)!;
      (c.latest ??= new Map()).set(r.status, r.n);
    }
  }
  return out;
}

const gridSizeCache = new Map<string, number | null>();

function gridSizeOf(row: Pick<SweepRow, "config" | "method">): number | null {
  if (row.method !== "grid") return null;
  const key = JSON.stringify(row.config);
  if (!gridSizeCache.has(key)) {
    let size: number | null = null;
    try {
      size = expandSearchSpace(parseSweepConfigOrThrow(row.config as object)).gridSize;
    } catch {
      size = null;
    }
    if (gridSizeCache.size > 500) gridSizeCache.clear();
    gridSizeCache.set(key, size);
  }
  return gridSizeCache.get(key) ?? null;
}

function progressOf(row: SweepRow, c: Counts | undefined): SweepProgressDto {
  const grid = gridSizeOf(row);
  // run_cap counts every attempt (the controller's cap); a grid without one counts its points.
  const byPoint = row.runCap === null && grid !== null;
  const rows = (s: string) => c?.byStatus.get(s) ?? 0;
  const n = byPoint && c?.latest ? (s: string) => c.latest!.get(s) ?? 0 : rows;
  const failed = n("failed");
  // unknown submissions are failed rows that never ran; as a grid point's latest attempt they are rare enough to count as done
  const realFailed = byPoint ? failed : failed - (c?.unknown ?? 0);
  const done = n("completed") + realFailed + n("stopped");
  const total = row.runCap ?? grid;
  return {
    done,
    total,
    unit: byPoint ? "grid points" : "attempts",
    retries: c?.retries ?? 0,
    completed: n("completed"),
    failed,
    queued: n("submitting") + n("queued"),
    running: n("running"),
    pending: n("pending"),
    expired: rows("expired"),
    cancelled: rows("cancelled"),
    stopped: n("stopped"),
  };
}

async function flagsFor(db: Db, endpointIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!endpointIds.length) return out;
  const rows = await db.$queryRaw<{ endpointId: string; n: number }[]>`
    SELECT "endpointId", count(*)::int AS n FROM jobs
    WHERE flag = ${CRASH_LOOP_FLAG} AND "endpointId" = ANY(${endpointIds}::text[]) AND status = ANY(${[...WAITING_JOB_STATUSES]}::text[])
    GROUP BY 1`;
  for (const r of rows) out.set(r.endpointId, r.n);
  return out;
}

function flagOf(row: SweepRow, flags: Map<string, number>): SweepFlagDto | null {
  const n = flags.get(row.endpointId) ?? 0;
  if (n === 0 || !isActiveSweepState(row.state)) return null;
  return {
    kind: CRASH_LOOP_FLAG,
    queuedJobs: n,
    message: `endpoint ${row.endpointId} is crash-looping (random_device could not be read); ${n} queued job${n === 1 ? "" : "s"} flagged`,
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function toSweepSummaryDto(row: SweepRow, counts: Counts | undefined, flags: Map<string, number>): SweepSummaryDto {
  return {
    id: row.id,
    name: row.name,
    endpointId: row.endpointId,
    endpointName: row.endpoint.displayName ?? row.endpoint.name ?? null,
    method: row.method,
    metric: { name: row.metricName, goal: row.metricGoal, target: row.metricTarget },
    state: row.state,
    stateReason: row.stateReason,
    progress: progressOf(row, counts),
    bestValue: row.bestValue,
    bestTrialId: row.bestTrialId,
    flag: flagOf(row, flags),
    parallel: row.parallel,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function encodeCursor(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64url");
}

function decodeCursor<T>(s: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "Invalid cursor.", { issues: [{ path: "query.cursor", message: "not a cursor returned by this API" }] });
}

export interface ListSweepsInput {
  limit: number;
  cursor?: string;
  endpointId?: string;
  state?: SweepState | SweepState[];
}

export async function listSweeps(opts: ListSweepsInput, ctx: Ctx<unknown>): Promise<SweepListDto> {
  const prisma = ctx.db;
  const where: Prisma.SweepWhereInput = {};
  if (opts.endpointId) where.endpointId = opts.endpointId;
  if (opts.state) where.state = { in: Array.isArray(opts.state) ? opts.state : [opts.state] };
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, (v): v is { t: string; id: string } => typeof v === "object" && v !== null && typeof (v as { t?: unknown }).t === "string" && typeof (v as { id?: unknown }).id === "string");
    const t = new Date(c.t);
    where.OR = [{ createdAt: { lt: t } }, { createdAt: t, id: { lt: c.id } }];
  }
  const rows = await prisma.sweep.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: opts.limit + 1, select: sweepSelect });
  const page = rows.slice(0, opts.limit);
  const [counts, flags] = await Promise.all([countTrials(prisma, page), flagsFor(prisma, [...new Set(page.map((r) => r.endpointId))])]);
  const last = page[page.length - 1];
  return {
    sweeps: page.map((r) => toSweepSummaryDto(r, counts.get(r.id), flags)),
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

async function findBestTrial(db: Db, sweepId: string, goal: "minimize" | "maximize"): Promise<BestTrialDto | null> {
  const best = await db.trial.findFirst({
    where: { sweepId, status: "completed", metricValue: { not: null } },
    orderBy: [{ metricValue: goal === "maximize" ? "desc" : "asc" }, { number: "asc" }],
    select: { id: true, number: true, params: true, metricValue: true, jobId: true, workerId: true, finishedAt: true },
  });
  if (!best || best.metricValue === null) return null;
  return {
    id: best.id,
    number: best.number,
    params: (best.params ?? {}) as Record<string, unknown>,
    value: best.metricValue,
    jobId: best.jobId,
    workerId: best.workerId,
    finishedAt: iso(best.finishedAt),
  };
}

function etaOf(row: SweepRow, progress: SweepProgressDto, now: Date): SweepEtaDto {
  const remaining = progress.total === null ? null : Math.max(0, progress.total - progress.done);
  const elapsedH = row.startedAt ? (now.getTime() - row.startedAt.getTime()) / 3_600_000 : 0;
  const ratePerHour = elapsedH > 0 && progress.done > 0 ? progress.done / elapsedH : null;
  const live = row.state === "running" || row.state === "stopping";
  const etaSeconds = live && remaining !== null && ratePerHour ? Math.round((remaining / ratePerHour) * 3600) : null;
  return {
    remaining,
    ratePerHour: ratePerHour === null ? null : Number(ratePerHour.toFixed(3)),
    etaSeconds,
    finishesAt: etaSeconds === null ? null : new Date(now.getTime() + etaSeconds * 1000).toISOString(),
  };
}

export async function getSweep(input: { id: string }, ctx: Ctx<unknown>): Promise<SweepDetailDto> {
  const { id } = input;
  const prisma = ctx.db;
  const row = await prisma.sweep.findUnique({ where: { id }, select: sweepSelect });
  if (!row) throw new AppError("not_found", `No sweep "${id}".`);
  const [counts, flags, best] = await Promise.all([countTrials(prisma, [row]), flagsFor(prisma, [row.endpointId]), findBestTrial(prisma, id, row.metricGoal)]);
  const summary = toSweepSummaryDto(row, counts.get(id), flags);
  let paramNames: string[] = [];
  try {
    paramNames = flattenParameters(parseSweepConfigOrThrow(row.config as object).parameters).map((f) => f.path);
  } catch (err) {
    log.warn("stored sweep config does not parse", { sweepId: id, error: err });
  }
  return {
    ...summary,
    bestValue: best?.value ?? summary.bestValue,
    bestTrialId: best?.id ?? summary.bestTrialId,
    config: (row.config ?? {}) as Record<string, unknown>,
    configText: row.configText,
    runCap: row.runCap,
    gridSize: gridSizeOf(row),
    failedBudget: row.failedBudget,
    failedCount: row.failedCount,
    seed: row.seed,
    metricPath: row.metricPath,
    inputTemplate: row.inputTemplate ?? null,
    paramNames,
    eta: etaOf(row, summary.progress, ctx.now()),
    best,
    notes: row.notes,
    notesVersion: row.notesVersion,
    budget: { gpuSeconds: row.budgetGpuSeconds, usd: row.budgetUsd },
  };
}

// ───────────── trials ─────────────

export interface TrialFilters {
  status?: TrialStatusName[];
  valueMin?: number;
  valueMax?: number;
}

function filterSql(sweepId: string, f: TrialFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`"sweepId" = ${sweepId}`];
  if (f.status?.length) parts.push(Prisma.sql`status = ANY(${f.status}::trial_status[])`);
  if (f.valueMin !== undefined) parts.push(Prisma.sql`"metricValue" >= ${f.valueMin}`);
  if (f.valueMax !== undefined) parts.push(Prisma.sql`"metricValue" <= ${f.valueMax}`);
  return Prisma.join(parts, " AND ");
}

interface TrialRow {
  id: string;
  number: number;
  status: TrialStatusName;
  params: unknown;
  metricValue: number | null;
  jobId: string | null;
  attempt: number;
  error: string | null;
  workerId: string | null;
  submittedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const TRIAL_COLUMNS = Prisma.sql`id, number, status::text AS status, params, "metricValue", "jobId", attempt, error, "workerId", "submittedAt", "startedAt", "finishedAt"`;

export function toTrialDto(r: TrialRow): TrialDto {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    params: (r.params ?? {}) as Record<string, unknown>,
    value: r.metricValue,
    jobId: r.jobId,
    attempt: r.attempt,
    error: r.error,
    workerId: r.workerId,
    submittedAt: iso(r.submittedAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
  };
}

async function sweepGoal(db: Db, id: string): Promise<{ goal: "minimize" | "maximize"; config: unknown; metricName: string }> {
  const s = await db.sweep.findUnique({ where: { id }, select: { metricGoal: true, config: true, metricName: true } });
  if (!s) throw new AppError("not_found", `No sweep "${id}".`);
  return { goal: s.metricGoal, config: s.config, metricName: s.metricName };
}

type TrialCursor = { n: number; v?: number | null; k?: unknown };
const isTrialCursor = (v: unknown): v is TrialCursor =>
  typeof v === "object" && v !== null && Number.isInteger((v as TrialCursor).n) && ((v as TrialCursor).v === undefined || (v as TrialCursor).v === null || typeof (v as TrialCursor).v === "number");

/**
 * The sort key of a column other than number/metric, as a jsonb expression that is never SQL NULL
 * (missing values are jsonb null, which sorts first ascending): jsonb's total order compares numbers
 * as numbers and strings as text, so one keyset rule `(key, number) > (cursor)` serves every column.
 */
function trialSortKey(sort: Exclude<TrialSort, "number" | "metric">): Prisma.Sql {
  const orNull = (e: Prisma.Sql) => Prisma.sql`COALESCE(${e}, 'null'::jsonb)`;
  switch (sort) {
    case "status":
      return Prisma.sql`to_jsonb(status::text)`;
    case "error":
      return orNull(Prisma.sql`to_jsonb(error)`);
    case "job":
      return orNull(Prisma.sql`to_jsonb("jobId")`);
    case "duration":
      return orNull(Prisma.sql`to_jsonb(extract(epoch FROM ("finishedAt" - "startedAt")))`);
    case "finished":
      return orNull(Prisma.sql`to_jsonb(extract(epoch FROM "finishedAt"))`);
    default:
      return orNull(Prisma.sql`params #> ${sort.slice("param:".length).split(".")}::text[]`);
  }
}

/**
 * One page of trials. Keyset pagination (no OFFSET), so page N costs the same as page 1:
 * by number, or by metric (nulls last, ties by number). Default order: newest first by
 * number, best first by metric.
 */
export type ListTrialsInput = Omit<ListTrialsQuery, "limit"> & { sweepId: string; limit: number };

export async function listTrials(input: ListTrialsInput, ctx: Ctx<unknown>): Promise<TrialPageDto> {
  const { sweepId, ...q } = input;
  const prisma = ctx.db;
  const { goal } = await sweepGoal(prisma, sweepId);
  const where = filterSql(sweepId, q);
  const order = q.order ?? (q.sort === "metric" ? (goal === "maximize" ? "desc" : "asc") : q.sort === "number" ? "desc" : "asc");
  const cursor = q.cursor ? decodeCursor(q.cursor, isTrialCursor) : null;
  if (q.sort !== "number" && q.sort !== "metric") return listTrialsByKey(prisma, sweepId, { ...q, sort: q.sort }, order, cursor);
  let keyset = Prisma.empty;
  let orderBy: Prisma.Sql;
  if (q.sort === "number") {
    orderBy = order === "asc" ? Prisma.sql`number ASC` : Prisma.sql`number DESC`;
    if (cursor) keyset = order === "asc" ? Prisma.sql` AND number > ${cursor.n}` : Prisma.sql` AND number < ${cursor.n}`;
  } else {
    const asc = order === "asc";
    orderBy = asc ? Prisma.sql`"metricValue" ASC NULLS LAST, number ASC` : Prisma.sql`"metricValue" DESC NULLS LAST, number DESC`;
    if (cursor) {
      if (cursor.v === null || cursor.v === undefined) keyset = asc ? Prisma.sql` AND "metricValue" IS NULL AND number > ${cursor.n}` : Prisma.sql` AND "metricValue" IS NULL AND number < ${cursor.n}`;
      else
        keyset = asc
          ? Prisma.sql` AND ("metricValue" > ${cursor.v} OR ("metricValue" = ${cursor.v} AND number > ${cursor.n}) OR "metricValue" IS NULL)`
          : Prisma.sql` AND ("metricValue" < ${cursor.v} OR ("metricValue" = ${cursor.v} AND number < ${cursor.n}) OR "metricValue" IS NULL)`;
    }
  }
  // With a status filter: one ordered index scan per status ((sweepId, status, metricValue|number)
  // indexes), merged. `status = ANY(...)` alone would make PostgreSQL walk the whole sweep.
  const statuses = [...new Set(q.status ?? [])];
  const pageSql = statuses.length
    ? Prisma.sql`SELECT * FROM (${Prisma.join(
        statuses.map(
          (st) =>
            Prisma.sql`(SELECT ${TRIAL_COLUMNS}, "metricValue" AS _m, number AS _n FROM trials WHERE ${filterSql(sweepId, { ...q, status: undefined })} AND status = ${st}::trial_status${keyset} ORDER BY ${orderBy} LIMIT ${q.limit + 1})`,
        ),
        " UNION ALL ",
      )}) u ORDER BY ${q.sort === "number" ? (order === "asc" ? Prisma.sql`_n ASC` : Prisma.sql`_n DESC`) : order === "asc" ? Prisma.sql`_m ASC NULLS LAST, _n ASC` : Prisma.sql`_m DESC NULLS LAST, _n DESC`} LIMIT ${q.limit + 1}`
    : Prisma.sql`SELECT ${TRIAL_COLUMNS} FROM trials WHERE ${where}${keyset} ORDER BY ${orderBy} LIMIT ${q.limit + 1}`;
  const [rows, total] = await Promise.all([prisma.$queryRaw<TrialRow[]>(pageSql), prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM trials WHERE ${where}`]);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = rows.length > q.limit && last ? encodeCursor(q.sort === "metric" ? { n: last.number, v: last.metricValue } : { n: last.number }) : null;
  return { trials: page.map(toTrialDto), nextCursor: next, total: total[0]?.n ?? 0 };
}

/** A page sorted by any other column: (key, number) keyset over the sweep's trials (see trialSortKey). */
async function listTrialsByKey(
  prisma: PrismaClient,
  sweepId: string,
  q: Omit<ListTrialsQuery, "limit" | "sort"> & { limit: number; sort: Exclude<TrialSort, "number" | "metric"> },
  order: "asc" | "desc",
  cursor: TrialCursor | null,
): Promise<TrialPageDto> {
  const key = trialSortKey(q.sort);
  const where = filterSql(sweepId, q);
  const dir = order === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const keyset = cursor && "k" in cursor ? (order === "asc" ? Prisma.sql` AND (${key}, number) > (${JSON.stringify(cursor.k ?? null)}::jsonb, ${cursor.n})` : Prisma.sql` AND (${key}, number) < (${JSON.stringify(cursor.k ?? null)}::jsonb, ${cursor.n})`) : Prisma.empty;
  const [rows, total] = await Promise.all([
    prisma.$queryRaw<(TrialRow & { _k: unknown })[]>`SELECT ${TRIAL_COLUMNS}, ${key} AS _k FROM trials WHERE ${where}${keyset} ORDER BY ${key} ${dir}, number ${dir} LIMIT ${q.limit + 1}`,
    prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM trials WHERE ${where}`,
  ]);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = rows.length > q.limit && last ? encodeCursor({ n: last.number, k: last._k }) : null;
  return { trials: page.map(toTrialDto), nextCursor: next, total: total[0]?.n ?? 0 };
}

// ───────────── export ─────────────

/**
 * Every trial matching the filters, in number order, as CSV (one column per flattened
 * parameter) or a JSON array. Streams in keyset batches, so memory stays bounded.
 */
export async function exportTrials(
  input: TrialFilters & { sweepId: string; format: "csv" | "json"; batchSize?: number },
  ctx: Ctx<unknown>,
): Promise<{ filename: string; contentType: string; body: ReadableStream<Uint8Array> }> {
  const { sweepId, batchSize, ...opts } = input;
  const prisma = ctx.db;
  const s = await sweepGoal(prisma, sweepId);
  let paths: { path: string; segments: string[] }[] = [];
  try {
    paths = paramPaths(parseSweepConfigOrThrow(s.config as object).parameters);
  } catch {
    paths = [];
  }
  const where = filterSql(sweepId, opts);
  const batch = batchSize ?? 2_000;
  const enc = new TextEncoder();
  const metricCol = s.metricName || "value";
  let after = -1;
  let first = true;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (done) return;
        let out = "";
        if (first) {
          out += opts.format === "csv" ? csvRecord([...["id", "number", "status", metricCol, "jobId", "attempt", "workerId", "submittedAt", "startedAt", "finishedAt", "error"], ...paths.map((p) => p.path)]) : "[";
        }
        const rows = await prisma.$queryRaw<TrialRow[]>`SELECT ${TRIAL_COLUMNS} FROM trials WHERE ${where} AND number > ${after} ORDER BY number ASC LIMIT ${batch}`;
        for (const r of rows) {
          if (opts.format === "csv") {
            const flat = flattenTrialParams((r.params ?? {}) as Record<string, unknown>, paths);
            out += csvRecord([r.id, r.number, r.status, r.metricValue, r.jobId, r.attempt, r.workerId, iso(r.submittedAt), iso(r.startedAt), iso(r.finishedAt), r.error, ...paths.map((p) => flat[p.path])]);
          } else {
            out += (first ? "" : ",") + JSON.stringify(toTrialDto(r));
            first = false;
          }
        }
        first = false;
        if (rows.length) after = rows[rows.length - 1].number;
        if (rows.length < batch) {
          if (opts.format === "json") out += "]";
          done = true;
        }
        if (out) controller.enqueue(enc.encode(out));
        if (done) controller.close();
      } catch (err) {
        log.error("export failed", { sweepId, error: err });
        controller.error(err);
      }
    },
  });
  return {
    filename: `sweep-${sweepId}-trials.${opts.format}`,
    contentType: opts.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
  };
}

// ───────────── analysis ─────────────

async function analysisHead(prisma: PrismaClient, sweepId: string) {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { metricName: true, metricGoal: true, metricTarget: true, config: true } });
  if (!sweep) throw new AppError("not_found", `No sweep "${sweepId}".`);
  const [counts] = await prisma.$queryRaw<{ total: number; completed: number; maxNumber: number | null }[]>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'completed' AND "metricValue" IS NOT NULL)::int AS completed,
           max(number)::int AS "maxNumber"
    FROM trials WHERE "sweepId" = ${sweepId}`;
  return { sweep, total: counts?.total ?? 0, completed: counts?.completed ?? 0, maxNumber: counts?.maxNumber ?? 0 };
}

type Head = Awaited<ReturnType<typeof analysisHead>>;

/**
 * Optimisation history: completed trials cut into at most `points` buckets of trial numbers.
 * SQL aggregates each bucket (one pass, no sort); the best-so-far is a running min/max over
 * the buckets, done here.
 */
export async function getSweepHistory(input: { sweepId: string; points: number }, ctx: Ctx<unknown>): Promise<SweepAnalysisDto["history"]> {
  return sweepHistory(ctx.db, input.sweepId, input, await analysisHead(ctx.db, input.sweepId));
}

async function sweepHistory(prisma: PrismaClient, sweepId: string, opts: { points: number }, head: Head): Promise<SweepAnalysisDto["history"]> {
  const { sweep, completed, maxNumber } = head;
  const max = sweep.metricGoal === "maximize";
  const bucketSize = Math.max(1, Math.ceil(maxNumber / Math.max(1, opts.points)));
  const rows = completed
    ? await prisma.$queryRaw<{ number: number; vmin: number; vmax: number; n: number }[]>`
        SELECT max(number)::int AS number, min("metricValue") AS vmin, max("metricValue") AS vmax, count(*)::int AS n
        FROM trials
        WHERE "sweepId" = ${sweepId} AND status = 'completed' AND "metricValue" IS NOT NULL
        GROUP BY (number - 1) / ${bucketSize} ORDER BY 1`
    : [];
  let best: number | null = null;
  return {
    bucketSize,
    points: rows.map((h) => {
      const v = max ? h.vmax : h.vmin;
      best = best === null ? v : max ? Math.max(best, v) : Math.min(best, v);
      return { number: h.number, value: v, min: h.vmin, max: h.vmax, best, count: h.n };
    }),
  };
}

/**
 * Parallel coordinates, importance and slices from one bounded sample of completed trials:
 * every k-th by number (k = completed / points) plus the best few, so the best region is always shown.
 */
export async function getSweepParameterViews(input: { sweepId: string; points: number }, ctx: Ctx<unknown>): Promise<ParameterViews> {
  return sweepParameterViews(ctx.db, input.sweepId, input, await analysisHead(ctx.db, input.sweepId));
}

type ParameterViews = Pick<SweepAnalysisDto, "parallel" | "importance" | "slices" | "sampledTrials">;

async function sweepParameterViews(prisma: PrismaClient, sweepId: string, opts: { points: number }, head: Head): Promise<ParameterViews> {
  const { sweep, completed, maxNumber } = head;
  const max = sweep.metricGoal === "maximize";
  // Sampled by trial number (no window over all rows); the share of completed trials is about the same everywhere.
  const step = Math.max(1, Math.ceil(maxNumber / opts.points));
  const topK = Math.min(50, Math.floor(opts.points / 10));
  const numbers = Array.from({ length: Math.ceil(maxNumber / step) }, (_, i) => 1 + i * step);
  const sample = completed
    ? await prisma.$queryRaw<{ id: string; number: number; value: number; params: unknown }[]>`
        (SELECT id, number, "metricValue" AS value, params FROM trials
         WHERE "sweepId" = ${sweepId} AND number = ANY(${numbers}::int[]) AND status = 'completed' AND "metricValue" IS NOT NULL)
        UNION
        (SELECT id, number, "metricValue" AS value, params FROM trials
         WHERE "sweepId" = ${sweepId} AND status = 'completed' AND "metricValue" IS NOT NULL
         ORDER BY "metricValue" ${max ? Prisma.sql`DESC` : Prisma.sql`ASC`} LIMIT ${topK})
        ORDER BY number`
    : [];
  let paths: ReturnType<typeof paramPaths> = [];
  try {
    paths = paramPaths(parseSweepConfigOrThrow(sweep.config as object).parameters).filter((p) => !p.constant);
  } catch {
    paths = [];
  }
  const rows = sample.map((t) => ({ id: t.id, number: t.number, value: t.value, flat: flattenTrialParams((t.params ?? {}) as Record<string, unknown>, paths) }));
  const dims = buildDimensions(
    rows.map((r) => r.flat),
    paths,
  );
  return {
    sampledTrials: rows.length,
    parallel: { dimensions: dims, rows: rows.map((r) => ({ id: r.id, number: r.number, value: r.value, params: r.flat })) },
    // importance from the even sample only: the added best trials would bias it
    importance: parameterImportance(
      rows.filter((r) => (r.number - 1) % step === 0),
      dims,
    ),
    slices: buildSlices(rows, dims),
  };
}

/** Trial timeline: an even sample of all trials (any status) with their submit/start/end times. */
async function sweepTimeline(prisma: PrismaClient, sweepId: string, opts: { points: number }, head: Head): Promise<SweepAnalysisDto["timeline"]> {
  const { total, maxNumber } = head;
  const step = Math.max(1, Math.ceil(maxNumber / opts.points));
  const rows = total
    ? await prisma.$queryRaw<{ id: string; number: number; status: TrialStatusName; submittedAt: Date | null; startedAt: Date | null; finishedAt: Date | null }[]>`
        SELECT id, number, status::text AS status, "submittedAt", "startedAt", "finishedAt"
        FROM trials WHERE "sweepId" = ${sweepId} AND number = ANY(${Array.from({ length: Math.ceil(maxNumber / step) }, (_, i) => 1 + i * step)}::int[]) ORDER BY number`
    : [];
  return {
    truncated: step > 1,
    items: rows.map((t) => ({ id: t.id, number: t.number, status: t.status, submittedAt: iso(t.submittedAt), startedAt: iso(t.startedAt), finishedAt: iso(t.finishedAt) })),
  };
}

/** Everything the analysis tab charts, within a point budget per view. */
export async function getSweepAnalysis(input: { sweepId: string; points: number }, ctx: Ctx<unknown>): Promise<SweepAnalysisDto> {
  const { sweepId, ...opts } = input;
  const prisma = ctx.db;
  const head = await analysisHead(prisma, sweepId);
  const [history, views, timeline] = await Promise.all([
    sweepHistory(prisma, sweepId, opts, head),
    sweepParameterViews(prisma, sweepId, opts, head),
    sweepTimeline(prisma, sweepId, opts, head),
  ]);
  return {
    metric: { name: head.sweep.metricName, goal: head.sweep.metricGoal, target: head.sweep.metricTarget },
    totalTrials: head.total,
    completedTrials: head.completed,
    history,
    ...views,
    timeline,
  };
}
