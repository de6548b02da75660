import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { actorOf, type Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/data/audit";
import { computeWaste, DEFAULT_GPU_PRICES, GpuPriceTableSchema, type GpuPriceTable, type WasteSummary, type WorkerSpan } from "@/lib/domain/cost/gpu-prices";
import { budgetReached, computeTrialTime, type TrialTimeSummary } from "@/lib/domain/cost/trial-time";
import type { EndpointCostDto, SweepCostDto } from "@/lib/api/specs/damage";

/** Service: GPU prices, costs of failure, sweep spend and budgets (audited writes). */

export const GPU_PRICES_KEY = "cost.gpuPrices";

export interface GpuPricesDto {
  table: GpuPriceTable;
  /** "default" until an admin saves a table. */
  origin: "default" | "edited";
  updatedAt: string | null;
}

export async function getGpuPrices(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<GpuPricesDto> {
  return readGpuPrices(ctx.db);
}

async function readGpuPrices(prisma: Pick<PrismaClient, "appSetting">): Promise<GpuPricesDto> {
  const row = await prisma.appSetting.findUnique({ where: { key: GPU_PRICES_KEY } });
  const parsed = row ? GpuPriceTableSchema.safeParse(row.value) : null;
  if (!row || !parsed?.success) return { table: DEFAULT_GPU_PRICES, origin: "default", updatedAt: null };
  return { table: parsed.data, origin: "edited", updatedAt: row.updatedAt.toISOString() };
}

export async function setGpuPrices(input: { table: GpuPriceTable }, ctx: Ctx<unknown>): Promise<GpuPricesDto> {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const prisma = ctx.db;
  const table = GpuPriceTableSchema.parse(input.table);
  await prisma.$transaction(async (tx) => {
    await tx.appSetting.upsert({ where: { key: GPU_PRICES_KEY }, create: { key: GPU_PRICES_KEY, value: table }, update: { value: table } });
    await recordAudit({ action: "cost.prices.update", targetType: "setting", targetId: GPU_PRICES_KEY, detail: { asOf: table.asOf, entries: table.entries.length } }, ctx, tx);
  });
  return readGpuPrices(prisma);
}

/** Every worker of the endpoint that overlaps [from, to ?? now], as spans for computeWaste. */
async function loadWorkerSpans(prisma: PrismaClient, endpointId: string, from: Date, to: Date | null): Promise<WorkerSpan[]> {
  const workers = await prisma.worker.findMany({
    where: { endpointId, firstSeenAt: to ? { lte: to } : undefined, OR: [{ goneAt: null }, { goneAt: { gte: from } }] },
    select: { id: true, raw: true, firstSeenAt: true, goneAt: true, restartCount: true, lastExitCode: true, status: true },
  });
  if (workers.length === 0) return [];
  const ids = workers.map((w) => w.id);
  const [events, jobs] = await Promise.all([
    prisma.workerEvent.groupBy({ by: ["workerId"], where: { endpointId, workerId: { in: ids }, kind: { in: ["restart", "exit"] } }, _count: { _all: true } }),
    prisma.job.groupBy({ by: ["workerId"], where: { endpointId, workerId: { in: ids }, startedAt: { gte: from, ...(to ? { lte: to } : {}) } }, _count: { _all: true } }),
  ]);
  const crashedIds = new Set(events.map((e) => e.workerId));
  const busyIds = new Set(jobs.map((j) => j.workerId));
  return workers.map((w) => {
    const raw = (w.raw ?? {}) as { gpuTypeId?: unknown; gpuCount?: unknown };
    return {
      workerId: w.id,
      gpuTypeId: typeof raw.gpuTypeId === "string" ? raw.gpuTypeId : null,
      gpuCount: typeof raw.gpuCount === "number" && raw.gpuCount > 0 ? raw.gpuCount : 1,
      from: w.firstSeenAt,
      to: w.goneAt,
      crashed: crashedIds.has(w.id) || w.restartCount > 0 || w.lastExitCode !== null || w.status === "UNHEALTHY",
      tookJob: busyIds.has(w.id),
    };
  });
}

export interface IncidentCostDto extends WasteSummary {
  incidentId: string;
  endpointId: string;
  crashGroupId: string | null;
  state: string;
  computedAt: string;
  /** How old the worker evidence is: the endpoint's last poll. */
  evidenceAt: string | null;
  pricesOrigin: "default" | "edited";
}

/** The incident's cost of failure: a running total while it is open, fixed once it is resolved. */
export async function getIncidentCost(input: { id: string }, ctx: Ctx<unknown>): Promise<IncidentCostDto> {
  const { id } = input;
  const prisma = ctx.db;
  const now = ctx.now();
  if (!/^\d{1,19}$/.test(id)) throw new AppError("not_found", `Incident ${id.slice(0, 40)} does not exist.`);
  const inc = await prisma.incident.findUnique({ where: { id: BigInt(id) }, select: { id: true, endpointId: true, crashGroupId: true, state: true, openedAt: true, resolvedAt: true, endpoint: { select: { lastPolledAt: true } } } });
  if (!inc) throw new AppError("not_found", `Incident ${id} does not exist.`);
  const end = inc.state === "resolved" ? (inc.resolvedAt ?? now) : null;
  const [spans, prices] = await Promise.all([loadWorkerSpans(prisma, inc.endpointId, inc.openedAt, end), readGpuPrices(prisma)]);
  return {
    incidentId: inc.id.toString(),
    endpointId: inc.endpointId,
    crashGroupId: inc.crashGroupId?.toString() ?? null,
    state: inc.state,
    computedAt: now.toISOString(),
    evidenceAt: inc.endpoint.lastPolledAt?.toISOString() ?? null,
    pricesOrigin: prices.origin,
    ...computeWaste(spans, { start: inc.openedAt, end }, now, prices.table),
  };
}

// ───────────── endpoints ─────────────

/** The endpoint's cost of failure over the last `hours`: workers that crashed or never took a job. */
export async function getEndpointCost(input: { endpointId: string; hours: number }, ctx: Ctx<unknown>): Promise<EndpointCostDto> {
  const { endpointId, hours } = input;
  const prisma = ctx.db;
  const now = ctx.now();
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true, lastPolledAt: true } });
  if (!ep) throw new AppError("not_found", `Endpoint ${endpointId.slice(0, 128)} is not known to sweepwatch.`);
  const start = new Date(now.getTime() - hours * 3_600_000);
  const [spans, prices] = await Promise.all([loadWorkerSpans(prisma, endpointId, start, null), readGpuPrices(prisma)]);
  return {
    endpointId,
    computedAt: now.toISOString(),
    evidenceAt: ep.lastPolledAt?.toISOString() ?? null,
    pricesOrigin: prices.origin,
    windowHours: hours,
    ...computeWaste(spans, { start, end: null }, now, prices.table),
  };
}

// ───────────── sweeps ─────────────

type SpendDb = Pick<Prisma.TransactionClient, "$queryRaw" | "appSetting">;

/** GPU time of a sweep's trial attempts (useful / wasted / running), priced from the table. */
export async function sweepSpend(db: SpendDb, sweepId: string, now: Date, table?: GpuPriceTable): Promise<TrialTimeSummary> {
  const rows = await db.$queryRaw<{ status: string; startedAt: Date | null; finishedAt: Date | null; gpuTypeId: string | null; gpuCount: number | null }[]>`
    SELECT t.status::text AS status, t."startedAt", t."finishedAt", w.raw ->> 'gpuTypeId' AS "gpuTypeId",
           CASE WHEN jsonb_typeof(w.raw -> 'gpuCount') = 'number' THEN (w.raw ->> 'gpuCount')::float8::int END AS "gpuCount"
    FROM trials t
    JOIN sweeps s ON s.id = t."sweepId"
    LEFT JOIN workers w ON w."endpointId" = s."endpointId" AND w.id = t."workerId"
    WHERE t."sweepId" = ${sweepId} AND t."startedAt" IS NOT NULL`;
  const prices = table ?? (await readGpuPrices(db)).table;
  return computeTrialTime(
    rows.map((r) => ({ status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, gpuTypeId: r.gpuTypeId, gpuCount: r.gpuCount && r.gpuCount > 0 ? r.gpuCount : 1 })),
    now,
    prices,
  );
}

export async function getSweepCost(input: { sweepId: string }, ctx: Ctx<unknown>): Promise<SweepCostDto> {
  const { sweepId } = input;
  const prisma = ctx.db;
  const now = ctx.now();
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { id: true, endpointId: true, startedAt: true, finishedAt: true, budgetGpuSeconds: true, budgetUsd: true } });
  if (!sweep) throw new AppError("not_found", `No sweep "${sweepId.slice(0, 64)}".`);
  const prices = await readGpuPrices(prisma);
  const trials = await sweepSpend(prisma, sweepId, now, prices.table);
  let endpointWaste: SweepCostDto["endpointWaste"] = null;
  if (sweep.startedAt) {
    const spans = await loadWorkerSpans(prisma, sweep.endpointId, sweep.startedAt, sweep.finishedAt);
    const w = computeWaste(spans, { start: sweep.startedAt, end: sweep.finishedAt }, now, prices.table);
    endpointWaste = { windowStart: w.windowStart, windowEnd: w.windowEnd, running: w.running, wastedGpuSeconds: w.wastedGpuSeconds, estimatedUsd: w.estimatedUsd, unpricedGpuSeconds: w.unpricedGpuSeconds };
  }
  const budget = { gpuSeconds: sweep.budgetGpuSeconds, usd: sweep.budgetUsd };
  return {
    sweepId,
    endpointId: sweep.endpointId,
    computedAt: now.toISOString(),
    pricesOrigin: prices.origin,
    estimate: { source: prices.table.source, asOf: prices.table.asOf, tier: "flex" },
    trials,
    endpointWaste,
    budget: { ...budget, reached: budgetReached(budget, trials.total) },
  };
}

/** Sets or clears a sweep's GPU-time / money budget (engineer). Audited. */
export async function setSweepBudget(input: { sweepId: string; gpuHours: number | null; usd: number | null }, ctx: Ctx<unknown>): Promise<SweepCostDto> {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const prisma = ctx.db;
  const data = { budgetGpuSeconds: input.gpuHours === null ? null : input.gpuHours * 3600, budgetUsd: input.usd };
  await prisma.$transaction(async (tx) => {
    const n = await tx.sweep.updateMany({ where: { id: input.sweepId }, data });
    if (!n.count) throw new AppError("not_found", `No sweep "${input.sweepId.slice(0, 64)}".`);
    await recordAudit({ action: "sweep.budget", targetType: "sweep", targetId: input.sweepId, detail: { gpuHours: input.gpuHours, usd: input.usd } }, ctx, tx);
  });
  return getSweepCost({ sweepId: input.sweepId }, ctx);
}
