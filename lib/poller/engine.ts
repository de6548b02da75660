import os from "node:os";
import { randomBytes } from "node:crypto";
import pLimit from "p-limit";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createLogger, type Logger } from "@/lib/log";
import { RunpodError } from "@/lib/runpod/errors";
import type { Health } from "@/lib/runpod/schemas";
import { upsertDiscoveredEndpoints } from "@/lib/endpoints/service";
import { listPollableEndpoints, markEndpointMissing, recordWorkersList } from "@/lib/endpoints/repository";
import { getLatestSnapshotTimes, recordHealthSnapshot } from "@/lib/endpoints/health";
import { markJobExpired, recordJobStatus, rescheduleJobs } from "@/lib/jobs/repository";
import { acquireLeases, endpointLease, moduleLease, releaseLeases, takeLeases as renewLeases, tryTakeExclusive } from "@/lib/data/leases";
import { storeLogLines } from "@/lib/logs/store";
import { recordPollError } from "@/lib/data/poll-errors";
import { countLivePollers, markPollerStopped, recordPollerTick, registerPollerInstance } from "@/lib/data/poller-instances";
import { saveWorkerLogCursor, upsertWorkers } from "@/lib/endpoints/workers";
import type { PollerClient } from "@/lib/poller/client";
import { createCtx } from "@/lib/ctx";
import { SYSTEM_PRINCIPAL } from "@/lib/auth/principal";
import { pollerConfig } from "@/lib/poller/config";
import { listPollerModules } from "@/lib/poller/modules";
import { nextLogCursor, resumeSince, toStoredLines } from "@/lib/poller/log-cursor";
import { ManagementBudget } from "@/lib/poller/budget";
import { WAITING_JOB_STATUSES, isWaitingJobStatus } from "@/lib/domain/job/status";
import { backoffMs, fairShare, jobPollDelayMs, planQueuedRound, spreadDelayMs, type QueuedRoundPlan } from "@/lib/poller/schedule";
import { systemClock, type PollerClock, type PollerConfig, type PollerContext, type PollerModule } from "@/lib/poller/types";

export interface CreatePollerOptions {
  prisma: PrismaClient;
  client: PollerClient;
  clock?: PollerClock;
  config?: Partial<PollerConfig>;
  instanceId?: string;
  log?: Logger;
  /** Default: every module registered in lib/poller/modules.ts. */
  modules?: PollerModule[];
  version?: string;
}

export interface TickSummary {
  at: Date;
  /** Endpoints this poller held a lease on during the tick. */
  endpoints: string[];
  discovered: number;
  healthSnapshots: number;
  workerPolls: number;
  workerEvents: number;
  jobPolls: number;
  jobTransitions: number;
  jobsExpired: number;
  logReads: number;
  logLines: number;
  errors: number;
  modules: string[];
}

export interface Poller {
  readonly instanceId: string;
  readonly config: PollerConfig;
  /** One full cycle: leases, discovery, health, workers, jobs, logs, modules, PollerInstance.lastTickAt. */
  tick(): Promise<TickSummary>;
  /** Runs tick() every config.tickMs (never overlapping) until stop(). */
  start(): void;
  /** Stops after the tick in flight, gives the endpoint leases back and marks the instance stopped. */
  stop(): Promise<void>;
  heldEndpoints(): string[];
}

/** Failures of one kind of call back off that kind only (a /health failure never delays /status). */
interface Channel {
  streak: number;
  until: number;
}

interface EndpointState {
  /** Time of the last recorded snapshot (time series cadence). */
  healthAt: number | null;
  /** Time and answer of the last /health call (recorded or not). */
  healthCheckedAt: number | null;
  lastHealth: Health | null;
  /** /health as it was at the previous queued-jobs round. */
  queuedRoundHealth: Health | null;
  workersAt: number | null;
  jobsAt: number | null;
  /** Jobs API /health, jobs API /status, management API (workers list, worker logs): each its own back-off. */
  health: Channel;
  jobs: Channel;
  mgmt: Channel;
  /** /health answered 404: deleted or mistyped. No /status polls (a 404 there would read as "expired"). */
  missing: boolean;
}

const TRANSIENT = new Set(["rate_limited", "server", "timeout", "network", "malformed"]);

function gpuTypesOf(e: Record<string, unknown>): string[] | undefined {
  const gpu = e.gpu as { pools?: unknown } | undefined;
  const ids = e.gpuTypeIds;
  const list = Array.isArray(gpu?.pools) ? gpu.pools : Array.isArray(ids) ? ids : undefined;
  return list?.filter((x): x is string => typeof x === "string");
}

export function newInstanceId(): string {
  return `${os.hostname().slice(0, 60)}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export function createPoller(opts: CreatePollerOptions): Poller {
  const { prisma, client } = opts;
  const clock = opts.clock ?? systemClock;
  const config = pollerConfig(opts.config);
  const instanceId = opts.instanceId ?? newInstanceId();
  const log = opts.log ?? createLogger("poller");
  const modules = opts.modules ?? listPollerModules();
  const limit = pLimit(config.concurrency);
  const logLimit = pLimit(Math.max(1, Math.min(4, Math.floor(config.concurrency / 2))));
  const budget = new ManagementBudget(prisma, config.managementBudgetKey, () => clock.now(), config.managementPerMinute);
  const states = new Map<string, EndpointState>();
  const moduleRuns = new Map<string, number>();
  let held: string[] = [];
  let registered = false;
  let lastDiscoveryAt: number | null = null;
  /** Account-wide management pause: a 401/403 (key refused) or a 429 (quota) holds every management call. */
  let mgmtUntil = 0;
  const discovery: Channel = { streak: 0, until: 0 };
  let inFlight: Promise<TickSummary> | null = null;
  let loop: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;

  const nowDate = () => new Date(clock.now());
  const featureCtx = createCtx<PollerClient>({ db: prisma, now: nowDate, principal: SYSTEM_PRINCIPAL, runpod: () => client });

  async function recordError(input: { endpointId?: string | null; operation: string; error: unknown }, summary?: TickSummary) {
    if (summary) summary.errors++;
    const e = input.error;
    const message = e instanceof Error ? e.message : String(e);
    const httpStatus = e instanceof RunpodError ? e.status : null;
    log.warn("poll error", { endpointId: input.endpointId ?? undefined, operation: input.operation, httpStatus: httpStatus ?? undefined, kind: e instanceof RunpodError ? e.kind : undefined, message });
    try {
      await recordPollError(prisma, { endpointId: input.endpointId ?? null, pollerId: instanceId, operation: input.operation, httpStatus, message, at: nowDate() });
    } catch (err) {
      log.error("could not record a poll error", { error: err });
    }
  }

  function refreshBudget() {
    const mgmt = client.rateLimitState().scopes["management"];
    const minute = mgmt?.windows.find((w) => w.windowSeconds === 60 || w.name === "minute");
    budget.setReportedQuota(minute?.limit ?? null);
  }

  /** Records the failure and backs off this channel only; a refused key or a 429 also pauses every management call. */
  async function failChannel(endpointId: string | null, ch: Channel, operation: string, err: unknown, summary: TickSummary, management: boolean) {
    await recordError({ endpointId, operation, error: err }, summary);
    ch.streak++;
    const retryAfter = err instanceof RunpodError && err.retryAfterMs ? err.retryAfterMs : 0;
    ch.until = clock.now() + Math.max(retryAfter, backoffMs(ch.streak, config));
    if (management && err instanceof RunpodError && (err.kind === "rate_limited" || err.kind === "unauthorized" || err.kind === "forbidden")) {
      mgmtUntil = Math.max(mgmtUntil, clock.now() + Math.max(retryAfter, backoffMs(ch.streak, config)));
    }
  }

  /** A worker-log (management API) failure: backs off the endpoint's management calls, nothing else. */
  async function failEndpoint(endpointId: string, st: EndpointState, operation: string, err: unknown, summary: TickSummary) {
    await failChannel(endpointId, st.mgmt, operation, err, summary, true);
  }

  const mgmtOpen = (st: EndpointState) => st.mgmt.until <= clock.now() && mgmtUntil <= clock.now();

  /**
   * GET /health; null when it failed (recorded, the health channel backs off). A 404 marks the
   * endpoint missing (deleted or mistyped): its open jobs are left alone, not expired.
   */
  async function pollHealth(endpointId: string, st: EndpointState, summary: TickSummary): Promise<Health | null> {
    let h: Health;
    try {
      h = await limit(() => client.health(endpointId));
    } catch (err) {
      if (err instanceof RunpodError && err.kind === "not_found") {
        if (!st.missing) {
          st.missing = true;
          await markEndpointMissing({ endpointId, missing: true, at: nowDate() }, featureCtx);
          await recordError({ endpointId, operation: "health", error: err }, summary);
        }
        st.health.streak++;
        st.health.until = clock.now() + backoffMs(st.health.streak, config);
        return null;
      }
      await failChannel(endpointId, st.health, "health", err, summary, false);
      return null;
    }
    st.health.streak = 0;
    const t = clock.now();
    if (st.missing) {
      st.missing = false;
      await markEndpointMissing({ endpointId, missing: false, at: new Date(t) }, featureCtx);
    }
    st.lastHealth = h;
    st.healthCheckedAt = t;
    if (st.healthAt === null || t - st.healthAt >= config.healthIntervalMs) {
      const wrote = await recordHealthSnapshot({ endpointId, takenAt: new Date(t), health: h, pollerId: instanceId }, featureCtx);
      st.healthAt = t;
      if (wrote) summary.healthSnapshots++;
    }
    return h;
  }

  /** Polls the worker list; returns the workers whose logs should be read (after the job round). Never throws. */
  async function pollWorkers(endpointId: string, st: EndpointState, summary: TickSummary): Promise<{ ids: string[]; fresh: Set<string> } | null> {
    let list;
    try {
      list = await limit(() => client.listWorkers(endpointId));
    } catch (err) {
      await failChannel(endpointId, st.mgmt, "listWorkers", err, summary, true);
      return null;
    }
    st.mgmt.streak = 0;
    const at = nowDate();
    st.workersAt = at.getTime();
    summary.workerPolls++;
    // The v2 endpoint object has no version; the workers list's endpointVersion is the config version.
    await recordWorkersList({ endpointId, version: list.endpointVersion, summary: list.summary, at }, featureCtx);
    const res = await upsertWorkers(
      {
        endpointId,
        at,
        workers: list.workers.map((w) => ({
          id: w.id,
          status: w.status,
          startedAt: w.startedAt,
          uptimeSeconds: w.uptimeSeconds,
          image: w.image,
          version: w.version,
          isStale: w.isStale,
          raw: w,
        })),
      },
      featureCtx,
    );
    summary.workerEvents += res.events.length;
    const fresh = new Set([...res.restarted, ...res.appeared]);
    const recentMs = 2 * config.workersIntervalMs;
    const targets = res.current.filter(
      (w) =>
        fresh.has(w.id) ||
        w.status === "UNHEALTHY" ||
        w.status === "INITIALIZING" ||
        (w.startedAt !== null && at.getTime() - w.startedAt.getTime() < recentMs),
    );
    return targets.length ? { ids: targets.map((t) => t.id), fresh } : null;
  }

  async function readWorkerLogs(endpointId: string, st: EndpointState, workerIds: string[], fresh: Set<string>, summary: TickSummary) {
    const rows = await prisma.worker.findMany({ where: { endpointId, id: { in: workerIds } }, select: { id: true, logCursor: true, logCursorAt: true } });
    const now = clock.now();
    const due = rows.filter((r) => fresh.has(r.id) || !r.logCursorAt || now - r.logCursorAt.getTime() >= config.logsIntervalMs);
    await Promise.all(
      due.map(async (w) => {
        if (!mgmtOpen(st) || !(await budget.tryTake("logs"))) return;
        const at = nowDate();
        const since = resumeSince(w.logCursor);
        let result;
        try {
          result = await logLimit(() =>
            limit(() =>
              client.workerLogs(endpointId, w.id, {
                ...(since ? { since } : { tail: 500 }),
                maxDurationMs: config.logReadMs,
                // RunPod answers only once it has a line: a quiet worker costs this wait, and is no error.
                // A first read (its creation lines at least are there) may take the whole read budget.
                connectTimeoutMs: since ? config.logHeadersMs : config.logReadMs,
                idleMs: config.logIdleMs,
                maxLines: config.logMaxLines,
              }),
            ),
          );
        } catch (err) {
          if (err instanceof RunpodError && err.kind === "not_found") return; // the worker went away meanwhile
          await failEndpoint(endpointId, st, "workerLogs", err, summary);
          return;
        }
        summary.logReads++;
        if (result.lines.length) {
          const { inserted } = await storeLogLines({ lines: toStoredLines(endpointId, w.id, result.lines, at), receivedAt: at }, featureCtx);
          summary.logLines += inserted;
        }
        const cursor = nextLogCursor({ lines: result.lines, previous: w.logCursor, endedBy: result.endedBy, readStartedAt: at.getTime(), readEndedAt: clock.now() });
        await saveWorkerLogCursor({ endpointId, workerId: w.id, cursor, at }, featureCtx);
        if (result.error) await recordError({ endpointId, operation: "workerLogs", error: result.error }, summary);
      }),
    );
  }

  async function pollJobs(endpointId: string, st: EndpointState, summary: TickSummary) {
    const now = clock.now();
    st.jobsAt = now;
    const counts = await prisma.job.groupBy({ by: ["status"], where: { endpointId, nextPollAt: { not: null } }, _count: { _all: true } });
    if (!counts.length) return;
    const queued = counts.filter((c) => isWaitingJobStatus(c.status)).reduce((n, c) => n + c._count._all, 0);
    let plan: QueuedRoundPlan = { open: false, take: 0, expected: 0 };
    if (queued > 0) {
      // fresh /health for the gate: a pickup after an older answer would otherwise wait a whole round
      if ((st.healthCheckedAt === null || st.healthCheckedAt < now) && st.health.until <= now) await pollHealth(endpointId, st, summary);
      if (st.missing) return;
      // Without a fresh /health the gate cannot rule anything out: poll the oldest few queued jobs
      // anyway (a /health failure never stops /status, it only makes the round less informed).
      plan = st.healthCheckedAt === now ? planQueuedRound(st.lastHealth, st.queuedRoundHealth, config.maxJobPollsPerEndpoint) : { open: true, take: Math.min(2, config.maxJobPollsPerEndpoint), expected: 0 };
    }
    const due = await prisma.job.findMany({
      where: { endpointId, nextPollAt: { lte: new Date(now) } },
      orderBy: [{ nextPollAt: "asc" }, { id: "asc" }],
      take: config.maxJobPollsPerEndpoint,
      select: { id: true, status: true },
    });
    const queuedSelect = { id: true, status: true } as const;
    const oldestQueued = (exclude: string[], take: number) =>
      prisma.job.findMany({
        where: { endpointId, status: { in: [...WAITING_JOB_STATUSES] }, nextPollAt: { not: null }, ...(exclude.length ? { id: { notIn: exclude } } : {}) },
        orderBy: [{ submittedAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
        take,
        select: queuedSelect,
      });
    const oldest = plan.open ? await oldestQueued([], plan.take) : [];
    const polled = new Set<string>();
    let transient: unknown = null;
    let leftQueue = 0;
    /** 404 on /status: expired, unless the endpoint itself is gone (checked once after the round). */
    const notFound: { id: string; status: string }[] = [];
    const pollOne = async (job: { id: string; status: string }) => {
      if (transient) return;
      let r;
      try {
        r = await limit(() => client.status(endpointId, job.id));
      } catch (err) {
        if (err instanceof RunpodError && TRANSIENT.has(err.kind) && err.kind !== "malformed") {
          transient ??= err;
          return;
        }
        await recordError({ endpointId, operation: "status", error: err }, summary);
        await rescheduleJobs({ jobIds: [job.id], nextPollAt: new Date(clock.now() + config.jobsIntervalMs) }, featureCtx);
        return;
      }
      const at = nowDate();
      summary.jobPolls++;
      if (r.expired) {
        if (isWaitingJobStatus(job.status)) leftQueue++;
        notFound.push(job);
        return;
      }
      const status = r.job.status === "RUNNING" ? "IN_PROGRESS" : r.job.status;
      if (isWaitingJobStatus(job.status) && !isWaitingJobStatus(status)) leftQueue++;
      const base = jobPollDelayMs(status, config);
      const delay = base !== null && isWaitingJobStatus(status) ? spreadDelayMs(base, `${job.id}:${at.getTime()}`) : base;
      const res = await recordJobStatus({
        jobId: job.id,
        doc: r.job,
        at,
        source: "poll",
        nextPollAt: delay === null ? null : new Date(at.getTime() + delay),
        countPoll: true,
      }, featureCtx);
      if (res.changed) summary.jobTransitions++;
    };
    const pollAll = async (jobs: { id: string; status: string }[]) => {
      const fresh = jobs.filter((j) => (polled.has(j.id) ? false : (polled.add(j.id), true)));
      await Promise.all(fresh.map(pollOne));
    };
    await pollAll([...due, ...oldest]);
    // /health says more jobs left the queue than the oldest few explain (submission order and RunPod's
    // queue order can differ slightly): look a little further, a bounded number of times.
    for (let round = 0; plan.open && plan.expected > leftQueue && round < 3 && !transient; round++) {
      const more = await oldestQueued([...polled], plan.take);
      if (!more.length) break;
      await pollAll(more);
    }
    if (notFound.length) await settleNotFound(endpointId, st, notFound, summary);
    if (transient) {
      await failChannel(endpointId, st.jobs, "status", transient, summary, false);
      return;
    }
    st.jobs.streak = 0;
    if (queued > 0 && st.healthCheckedAt === now) st.queuedRoundHealth = st.lastHealth;
  }

  /**
   * Jobs whose /status answered 404. RunPod answers 404 both for an expired job and for a deleted or
   * mistyped endpoint, so one /health call decides: the endpoint answers → the jobs expired; it is
   * 404 too → the endpoint is missing and its jobs stay as they are; no answer → ask again next round.
   */
  async function settleNotFound(endpointId: string, st: EndpointState, jobs: { id: string; status: string }[], summary: TickSummary) {
    const h = st.health.until <= clock.now() ? await pollHealth(endpointId, st, summary) : null;
    if (!h) {
      await rescheduleJobs({ jobIds: jobs.map((j) => j.id), nextPollAt: new Date(clock.now() + config.jobsIntervalMs) }, featureCtx);
      return;
    }
    const at = nowDate();
    for (const job of jobs) {
      if (await markJobExpired({ jobId: job.id, at }, featureCtx)) {
        summary.jobsExpired++;
        summary.jobTransitions++;
      }
    }
  }

  /**
   * One endpoint's due work. /health, /status and the management API each have their own schedule
   * and back-off: a failure of one never delays or skips the others. /status runs before the
   * management calls, so a slow or refused management API cannot hold it up.
   */
  async function workEndpoint(endpointId: string, summary: TickSummary) {
    const st = states.get(endpointId);
    if (!st) return;
    const now = clock.now();
    const guard = async (ch: Channel, operation: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        // not a RunPod failure (those are handled inside): a database error, a bug
        await failChannel(endpointId, ch, operation, err, summary, false);
      }
    };
    if ((st.healthAt === null || now - st.healthAt >= config.healthIntervalMs) && st.health.until <= now) {
      await guard(st.health, "health", async () => void (await pollHealth(endpointId, st, summary)));
    }
    if (st.missing) return; // deleted or mistyped: nothing to poll until /health answers again
    if ((st.jobsAt === null || now - st.jobsAt >= config.jobsIntervalMs) && st.jobs.until <= now) {
      await guard(st.jobs, "status", () => pollJobs(endpointId, st, summary));
    }
    let logTargets: { ids: string[]; fresh: Set<string> } | null = null;
    if ((st.workersAt === null || now - st.workersAt >= config.workersIntervalMs) && mgmtOpen(st) && (await budget.tryTake("routine"))) {
      await guard(st.mgmt, "listWorkers", async () => {
        logTargets = await pollWorkers(endpointId, st, summary);
      });
    }
    // log streams are read last: a bounded read can take seconds and must not delay job polls
    const targets = logTargets as { ids: string[]; fresh: Set<string> } | null;
    if (targets) await guard(st.mgmt, "workerLogs", () => readWorkerLogs(endpointId, st, targets.ids, targets.fresh, summary));
  }

  async function discover(summary: TickSummary) {
    const now = clock.now();
    if (lastDiscoveryAt !== null && now - lastDiscoveryAt < config.discoveryIntervalMs) return;
    if (discovery.until > now || mgmtUntil > now) return;
    if (!(await budget.tryTake("routine"))) return;
    lastDiscoveryAt = now;
    try {
      const list = await limit(() => client.listEndpoints());
      discovery.streak = 0;
      const filtered = config.endpointFilter ? list.filter((e) => config.endpointFilter!(e.id)) : list;
      const r = await upsertDiscoveredEndpoints(
        {
          endpoints: filtered.map((e) => ({
            id: e.id,
            name: e.name,
            type: e.type === "LOAD_BALANCER" ? "LOAD_BALANCER" : "QUEUE",
            image: e.image,
            workers: e.workers,
            gpuTypes: gpuTypesOf(e),
            raw: e,
          })),
        },
        featureCtx,
      );
      summary.discovered = r.created;
    } catch (err) {
      await failChannel(null, discovery, "listEndpoints", err, summary, true);
    }
  }

  async function takeLeases(now: Date): Promise<string[]> {
    let ids = await listPollableEndpoints({}, featureCtx);
    if (config.endpointFilter) ids = ids.filter(config.endpointFilter);
    const live = await countLivePollers(prisma, { self: instanceId, now, windowMs: config.leaseMs });
    const share = fairShare(ids.length, live);
    const leased = await acquireLeases(prisma, { holder: instanceId, candidates: ids.map(endpointLease), max: share, now, leaseMs: config.leaseMs });
    const mine = leased.map((r) => r.slice("endpoint:".length));
    // A newly taken endpoint starts from what the database knows (a restart or takeover polls nothing twice).
    const fresh = mine.filter((id) => !states.has(id));
    if (fresh.length) {
      const [last, missing] = await Promise.all([
        getLatestSnapshotTimes({ endpointIds: fresh }, featureCtx),
        prisma.endpoint.findMany({ where: { id: { in: fresh }, missingSince: { not: null } }, select: { id: true } }),
      ]);
      const missingIds = new Set(missing.map((m) => m.id));
      for (const id of fresh) {
        states.set(id, {
          healthAt: last.get(id)?.getTime() ?? null,
          healthCheckedAt: null,
          lastHealth: null,
          queuedRoundHealth: null,
          workersAt: null,
          jobsAt: null,
          health: { streak: 0, until: 0 },
          jobs: { streak: 0, until: 0 },
          mgmt: { streak: 0, until: 0 },
          missing: missingIds.has(id),
        });
      }
    }
    const keep = new Set(mine);
    for (const id of [...states.keys()]) if (!keep.has(id)) states.delete(id);
    return mine;
  }

  function context(summary: TickSummary): PollerContext {
    return {
      ctx: featureCtx,
      prisma,
      client,
      clock,
      config,
      instanceId,
      log,
      endpoints: [...held],
      now: summary.at,
      recordError: (input) => recordError(input, summary),
      limit: (fn) => limit(fn),
    };
  }

  async function runModules(summary: TickSummary) {
    for (const m of modules) {
      const now = clock.now();
      const last = moduleRuns.get(m.name);
      if (last !== undefined && now - last < m.everyMs) continue;
      moduleRuns.set(m.name, now);
      try {
        if (m.scope === "cluster") {
          const mine = await tryTakeExclusive(prisma, { holder: instanceId, resource: moduleLease(m.name), now: new Date(now), ttlMs: m.everyMs });
          if (!mine) continue;
        }
        await m.run(context(summary));
        summary.modules.push(m.name);
      } catch (err) {
        await recordError({ operation: `module:${m.name}`.slice(0, 64), error: err }, summary);
      }
    }
  }

  async function doTick(): Promise<TickSummary> {
    const at = nowDate();
    const summary: TickSummary = {
      at,
      endpoints: [],
      discovered: 0,
      healthSnapshots: 0,
      workerPolls: 0,
      workerEvents: 0,
      jobPolls: 0,
      jobTransitions: 0,
      jobsExpired: 0,
      logReads: 0,
      logLines: 0,
      errors: 0,
      modules: [],
    };
    if (!registered) {
      await registerPollerInstance(prisma, { id: instanceId, hostname: os.hostname().slice(0, 255), pid: process.pid, version: opts.version ?? null, startedAt: at });
      registered = true;
    }
    refreshBudget();
    await discover(summary);
    held = await takeLeases(at);
    summary.endpoints = [...held];
    await Promise.all(held.map((id) => workEndpoint(id, summary)));
    await runModules(summary);
    // a long tick (slow modules, slow log streams) must not let the leases lapse under us
    if (held.length && clock.now() - at.getTime() > config.leaseMs / 3) {
      held = (await renewLeases(prisma, { holder: instanceId, resources: held.map(endpointLease), now: nowDate(), leaseMs: config.leaseMs })).map((r) => r.slice("endpoint:".length));
    }
    await recordPollerTick(prisma, { id: instanceId, at: nowDate() });
    log.debug("tick", { ...summary, at: summary.at.toISOString() });
    return summary;
  }

  function tick(): Promise<TickSummary> {
    if (inFlight) return inFlight;
    inFlight = doTick().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function start() {
    if (loop) return;
    stopping = false;
    loop = (async () => {
      while (!stopping) {
        try {
          await tick();
        } catch (err) {
          // A database outage ends this tick only; the next one tries again.
          log.error("tick failed", { error: err });
        }
        if (stopping) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, config.tickMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    })();
  }

  async function stop() {
    stopping = true;
    wake?.();
    if (loop) await loop;
    else if (inFlight) await inFlight.catch(() => undefined);
    loop = null;
    try {
      await releaseLeases(prisma, { holder: instanceId, resources: held.map(endpointLease) });
      held = [];
      if (registered) await markPollerStopped(prisma, { id: instanceId, at: nowDate() });
    } catch (err) {
      log.warn("could not release leases on stop", { error: err });
    }
  }

  return { instanceId, config, tick, start, stop, heldEndpoints: () => [...held] };
}
