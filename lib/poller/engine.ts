import os from "node:os";
import { randomBytes } from "node:crypto";
import pLimit from "p-limit";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createLogger, type Logger } from "@/lib/log";
import { RunpodError } from "@/lib/runpod/errors";
import type { Health } from "@/lib/runpod/schemas";
import { listPollableEndpoints, upsertDiscoveredEndpoints } from "@/lib/data/endpoints-write";
import { getLatestSnapshotTimes, recordHealthSnapshot } from "@/lib/data/health";
import { markJobExpired, recordJobStatus, rescheduleJobs } from "@/lib/data/jobs-write";
import { acquireLeases, endpointLease, moduleLease, releaseLeases, takeLeases as renewLeases, tryTakeExclusive } from "@/lib/data/leases";
import { storeLogLines } from "@/lib/data/logs-write";
import { recordPollError } from "@/lib/data/poll-errors";
import { countLivePollers, markPollerStopped, recordPollerTick, registerPollerInstance } from "@/lib/data/poller-instances";
import { saveWorkerLogCursor, upsertWorkers } from "@/lib/data/workers";
import type { PollerClient } from "@/lib/poller/client";
import { pollerConfig } from "@/lib/poller/config";
import { listPollerModules } from "@/lib/poller/modules";
import { nextLogCursor, resumeSince, toStoredLines } from "@/lib/poller/log-cursor";
import { CallBudget, backoffMs, fairShare, isQueuedStatus, jobPollDelayMs, planQueuedRound, spreadDelayMs, type QueuedRoundPlan } from "@/lib/poller/schedule";
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
  errorStreak: number;
  backoffUntil: number;
}

/** Thrown inside an endpoint's step to end its work for this tick (the error is already recorded). */
class EndpointBackoff extends Error {}

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
  const budget = new CallBudget(() => clock.now(), config.managementPerMinute);
  const states = new Map<string, EndpointState>();
  const moduleRuns = new Map<string, number>();
  let held: string[] = [];
  let registered = false;
  let lastDiscoveryAt: number | null = null;
  let inFlight: Promise<TickSummary> | null = null;
  let loop: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;

  const nowDate = () => new Date(clock.now());

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
    budget.setReportedQuota(minute?.limit ?? null, config.managementPerMinute);
  }

  /** Runs one RunPod call for an endpoint; on failure records it, backs the endpoint off and ends its tick. */
  async function call<T>(endpointId: string, st: EndpointState, operation: string, fn: () => Promise<T>, summary: TickSummary): Promise<T> {
    try {
      const r = await limit(fn);
      st.errorStreak = 0;
      return r;
    } catch (err) {
      await failEndpoint(endpointId, st, operation, err, summary);
      throw new EndpointBackoff();
    }
  }

  async function failEndpoint(endpointId: string, st: EndpointState, operation: string, err: unknown, summary: TickSummary) {
    await recordError({ endpointId, operation, error: err }, summary);
    st.errorStreak++;
    const retryAfter = err instanceof RunpodError && err.retryAfterMs ? err.retryAfterMs : 0;
    st.backoffUntil = clock.now() + Math.max(retryAfter, backoffMs(st.errorStreak, config));
  }

  async function pollHealth(endpointId: string, st: EndpointState, summary: TickSummary): Promise<Health> {
    const h = await call(endpointId, st, "health", () => client.health(endpointId), summary);
    const t = clock.now();
    st.lastHealth = h;
    st.healthCheckedAt = t;
    if (st.healthAt === null || t - st.healthAt >= config.healthIntervalMs) {
      const wrote = await recordHealthSnapshot(prisma, { endpointId, takenAt: new Date(t), health: h, pollerId: instanceId });
      st.healthAt = t;
      if (wrote) summary.healthSnapshots++;
    }
    return h;
  }

  /** Polls the worker list; returns the workers whose logs should be read (after the job round). */
  async function pollWorkers(endpointId: string, st: EndpointState, summary: TickSummary): Promise<{ ids: string[]; fresh: Set<string> } | null> {
    const list = await call(endpointId, st, "listWorkers", () => client.listWorkers(endpointId), summary);
    const at = nowDate();
    st.workersAt = at.getTime();
    summary.workerPolls++;
    const res = await upsertWorkers(prisma, {
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
    });
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
        if (!budget.tryTake()) return;
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
          const { inserted } = await storeLogLines(toStoredLines(endpointId, w.id, result.lines, at), { prisma, receivedAt: at });
          summary.logLines += inserted;
        }
        const cursor = nextLogCursor({ lines: result.lines, previous: w.logCursor, endedBy: result.endedBy, readStartedAt: at.getTime(), readEndedAt: clock.now() });
        await saveWorkerLogCursor(prisma, { endpointId, workerId: w.id, cursor, at });
        if (result.error) await recordError({ endpointId, operation: "workerLogs", error: result.error }, summary);
      }),
    );
  }

  async function pollJobs(endpointId: string, st: EndpointState, summary: TickSummary) {
    const now = clock.now();
    st.jobsAt = now;
    const counts = await prisma.job.groupBy({ by: ["status"], where: { endpointId, nextPollAt: { not: null } }, _count: { _all: true } });
    if (!counts.length) return;
    const queued = counts.filter((c) => isQueuedStatus(c.status)).reduce((n, c) => n + c._count._all, 0);
    let plan: QueuedRoundPlan = { open: false, take: 0, expected: 0 };
    if (queued > 0) {
      // fresh /health for the gate: a pickup after an older answer would otherwise wait a whole round
      if (st.healthCheckedAt === null || st.healthCheckedAt < now) await pollHealth(endpointId, st, summary);
      plan = planQueuedRound(st.lastHealth, st.queuedRoundHealth, config.maxJobPollsPerEndpoint);
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
        where: { endpointId, status: { in: ["IN_QUEUE", "UNKNOWN"] }, nextPollAt: { not: null }, ...(exclude.length ? { id: { notIn: exclude } } : {}) },
        orderBy: [{ submittedAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
        take,
        select: queuedSelect,
      });
    const oldest = plan.open ? await oldestQueued([], plan.take) : [];
    const polled = new Set<string>();
    let transient: unknown = null;
    let leftQueue = 0;
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
        await rescheduleJobs(prisma, { jobIds: [job.id], nextPollAt: new Date(clock.now() + config.jobsIntervalMs) });
        return;
      }
      const at = nowDate();
      summary.jobPolls++;
      if (r.expired) {
        if (isQueuedStatus(job.status)) leftQueue++;
        if (await markJobExpired(prisma, { jobId: job.id, at })) {
          summary.jobsExpired++;
          summary.jobTransitions++;
        }
        return;
      }
      const status = r.job.status === "RUNNING" ? "IN_PROGRESS" : r.job.status;
      if (isQueuedStatus(job.status) && !isQueuedStatus(status)) leftQueue++;
      const base = jobPollDelayMs(status, config);
      const delay = base !== null && isQueuedStatus(status) ? spreadDelayMs(base, `${job.id}:${at.getTime()}`) : base;
      const res = await recordJobStatus(prisma, {
        jobId: job.id,
        doc: r.job,
        at,
        source: "poll",
        nextPollAt: delay === null ? null : new Date(at.getTime() + delay),
        countPoll: true,
      });
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
    if (transient) {
      await failEndpoint(endpointId, st, "status", transient, summary);
      throw new EndpointBackoff();
    }
    if (queued > 0) st.queuedRoundHealth = st.lastHealth;
  }

  async function workEndpoint(endpointId: string, summary: TickSummary) {
    let st = states.get(endpointId);
    if (!st) return;
    const now = clock.now();
    if (st.backoffUntil > now) return;
    try {
      if (st.healthAt === null || now - st.healthAt >= config.healthIntervalMs) await pollHealth(endpointId, st, summary);
      let logTargets: { ids: string[]; fresh: Set<string> } | null = null;
      if ((st.workersAt === null || now - st.workersAt >= config.workersIntervalMs) && budget.tryTake()) logTargets = await pollWorkers(endpointId, st, summary);
      if (st.jobsAt === null || now - st.jobsAt >= config.jobsIntervalMs) await pollJobs(endpointId, st, summary);
      // log streams are read last: a bounded read can take seconds and must not delay job polls
      if (logTargets) await readWorkerLogs(endpointId, st, logTargets.ids, logTargets.fresh, summary);
    } catch (err) {
      if (err instanceof EndpointBackoff) return;
      st = states.get(endpointId) ?? st;
      await recordError({ endpointId, operation: "poll", error: err }, summary);
      st.errorStreak++;
      st.backoffUntil = clock.now() + backoffMs(st.errorStreak, config);
    }
  }

  async function discover(summary: TickSummary) {
    const now = clock.now();
    if (lastDiscoveryAt !== null && now - lastDiscoveryAt < config.discoveryIntervalMs) return;
    if (!budget.tryTake()) return;
    lastDiscoveryAt = now;
    try {
      const list = await limit(() => client.listEndpoints());
      const filtered = config.endpointFilter ? list.filter((e) => config.endpointFilter!(e.id)) : list;
      const r = await upsertDiscoveredEndpoints(
        prisma,
        filtered.map((e) => ({
          id: e.id,
          name: e.name,
          image: e.image,
          workers: e.workers,
          gpuTypes: gpuTypesOf(e),
          version: typeof e.version === "number" || typeof e.version === "string" ? e.version : null,
          raw: e,
        })),
      );
      summary.discovered = r.created;
    } catch (err) {
      await recordError({ operation: "listEndpoints", error: err }, summary);
    }
  }

  async function takeLeases(now: Date): Promise<string[]> {
    let ids = await listPollableEndpoints(prisma);
    if (config.endpointFilter) ids = ids.filter(config.endpointFilter);
    const live = await countLivePollers(prisma, { self: instanceId, now, windowMs: config.leaseMs });
    const share = fairShare(ids.length, live);
    const leased = await acquireLeases(prisma, { holder: instanceId, candidates: ids.map(endpointLease), max: share, now, leaseMs: config.leaseMs });
    const mine = leased.map((r) => r.slice("endpoint:".length));
    // A newly taken endpoint starts from what the database knows (a restart or takeover polls nothing twice).
    const fresh = mine.filter((id) => !states.has(id));
    if (fresh.length) {
      const last = await getLatestSnapshotTimes(prisma, fresh);
      for (const id of fresh) {
        states.set(id, {
          healthAt: last.get(id)?.getTime() ?? null,
          healthCheckedAt: null,
          lastHealth: null,
          queuedRoundHealth: null,
          workersAt: null,
          jobsAt: null,
          errorStreak: 0,
          backoffUntil: 0,
        });
      }
    }
    const keep = new Set(mine);
    for (const id of [...states.keys()]) if (!keep.has(id)) states.delete(id);
    return mine;
  }

  function context(summary: TickSummary): PollerContext {
    return {
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
